// The proxy's own SMTP login to the backend (spec 8.3, 8.6, 8.7): EHLO/HELO, XCLIENT, the client's own
// EHLO/HELO, then MAIL and RCPT (smtp_auth none) or AUTH PLAIN (proxy_smtp_auth).
#pragma once

#include <string>
#include <string_view>

#include "mail/BackendLogin.h"

namespace mailwire::smtp {

struct SmtpBackendSettings {
    std::string serverName;
    bool xclient = true;         // X
    bool proxySmtpAuth = false;  // A
    bool passErrorMessage = false;
};

struct SmtpLoginFacts {
    bool esmtp = false;             // E: the client used EHLO at some point
    std::string clientHelo;         // H when non-empty: the client's HELO/EHLO name
    bool none = false;              // N: Auth-Method none
    std::string mailLine;           // N: "MAIL FROM:..." as typed
    std::string rcptLine;           // N: "RCPT TO:..." as typed
    std::string login;              // after Auth-User
    std::string password;           // after Auth-Pass
    bool passwordAvailable = true;  // false: nginx has no password (cram-md5 or external without Auth-Pass)
    std::string clientIp;           // XCLIENT ADDR=
    std::string clientHost;         // XCLIENT NAME=
};

class SmtpBackendLogin : public mail::BackendLogin {
  public:
    SmtpBackendLogin(SmtpBackendSettings settings, SmtpLoginFacts facts);

    mail::BackendStep onReply(std::string_view reply) override;

    // A complete reply: 4 bytes or more, ending in CRLF, and for a multi-line reply a last line with a
    // space in column 4 (nginx's test, quirks included).
    static bool replyComplete(std::string_view reply);
    // "XCLIENT ADDR=... [LOGIN=...] NAME=...\r\n"
    std::string xclientLine() const;

  private:
    // nginx's mail_state names: what the reply being waited for answers, and what comes next.
    enum class Stage {
        Start,        // greeting
        Helo,         // EHLO/HELO <server_name>, then done
        HeloXclient,  // EHLO/HELO <server_name>, then XCLIENT
        HeloFrom,     // EHLO/HELO (ours or the client's), then MAIL
        HeloAuth,     // EHLO/HELO (ours or the client's), then AUTH PLAIN
        Xclient,      // XCLIENT, then done
        XclientHelo,  // XCLIENT, then the client's EHLO/HELO
        XclientFrom,  // XCLIENT, then MAIL
        XclientAuth,  // XCLIENT, then AUTH PLAIN
        AuthPlain,    // AUTH PLAIN, then done
        From,         // MAIL, then RCPT
        To,           // RCPT: any reply, relayed
        Finished,
    };

    mail::BackendStep send(std::string line, Stage next, const char* action);
    mail::BackendStep fail(std::string_view reply);
    mail::BackendStep internalError(std::string logText, const char* action);
    mail::BackendStep done(std::string_view reply);
    bool accepted(std::string_view reply) const;
    Stage afterHelo() const;
    mail::BackendStep sendAuthPlain();

    SmtpBackendSettings settings_;
    SmtpLoginFacts facts_;
    Stage stage_ = Stage::Start;
    std::string action_ = "reading response from upstream";
};

}  // namespace mailwire::smtp
