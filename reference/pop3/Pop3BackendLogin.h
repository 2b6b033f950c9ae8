// The proxy's own POP3 login to the backend (spec 8.3, 8.4, 8.7): greeting, USER, PASS, each answered by
// "+OK"; the reply to PASS is relayed to the client. APOP and CRAM-MD5 clients are logged in this way too.
#pragma once

#include <string>
#include <string_view>

#include "mail/BackendLogin.h"

namespace mailwire::pop3 {

class Pop3BackendLogin : public mail::BackendLogin {
  public:
    // The login and password are sent raw, spaces included.
    Pop3BackendLogin(std::string login, std::string password, bool passErrorMessage);

    mail::BackendStep onReply(std::string_view reply) override;

  private:
    enum class Stage { Greeting, User, Password, Finished };

    mail::BackendStep send(std::string line, Stage next, const char* action);
    mail::BackendStep fail(std::string_view reply);

    std::string login_;
    std::string password_;
    bool passErrorMessage_;
    Stage stage_ = Stage::Greeting;
    std::string action_ = "reading response from upstream";
};

}  // namespace mailwire::pop3
