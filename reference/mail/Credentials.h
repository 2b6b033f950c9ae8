#pragma once

#include <string>

namespace mailwire::mail {

// What the client proved (or claimed) when its login step completed.
struct Credentials {
    std::string method;  // Auth-Method: "plain", "apop", "cram-md5", "external", "none"
    std::string login;
    std::string password;  // for apop/cram-md5: the client's digest
    std::string salt;      // apop/cram-md5 only
    // SMTP with `smtp_auth none`: the HELO/EHLO name and the MAIL and RCPT lines as typed
    std::string smtpHelo;
    std::string smtpFrom;
    std::string smtpTo;
};

// Who the client is, as the backend login needs it (XCLIENT ADDR= and NAME=).
struct ClientContext {
    std::string ip;    // "127.0.0.1", "::1"
    std::string host;  // SMTP only: the verified name, "[UNAVAILABLE]" or "[TEMPUNAVAIL]"
};

}  // namespace mailwire::mail
