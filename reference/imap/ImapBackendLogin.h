// The proxy's own IMAP login to the backend (spec 8.3, 8.5, 8.7): the client's tag, then LOGIN with both
// strings as synchronising literals.
#pragma once

#include <string>
#include <string_view>

#include "mail/BackendLogin.h"

namespace mailwire::imap {

class ImapBackendLogin : public mail::BackendLogin {
  public:
    // `tag` is the client's tag with its trailing space, as received.
    ImapBackendLogin(std::string tag, std::string login, std::string password, bool passErrorMessage);

    mail::BackendStep onReply(std::string_view reply) override;

  private:
    enum class Stage { Greeting, LoginCommand, UserName, Password, Finished };

    mail::BackendStep send(std::string line, Stage next, const char* action);
    mail::BackendStep fail(std::string_view reply, size_t textStart);

    std::string tag_;
    std::string login_;
    std::string password_;
    bool passErrorMessage_;
    Stage stage_ = Stage::Greeting;
    std::string action_ = "reading response from upstream";
};

}  // namespace mailwire::imap
