#pragma once

#include <string>

namespace mailwire::mail {

// What the client proved (or claimed) when its login step completed.
struct Credentials {
    std::string method;  // Auth-Method: "plain", "apop", "cram-md5", "external", "none"
    std::string login;
    std::string password;  // for apop/cram-md5: the client's digest
    std::string salt;      // apop/cram-md5 only
};

}  // namespace mailwire::mail
