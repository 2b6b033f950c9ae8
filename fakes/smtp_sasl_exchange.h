#pragma once

#include <string>
#include <vector>

namespace mailwire::fake {

// The client lines an SMTP AUTH command still needs (PLAIN and LOGIN, with or without an initial response)
// and the `334` prompt before each, for the built-in SMTP dialogues. It never judges the credentials.
class SmtpSaslExchange {
  public:
    enum class Next {
        Prompt,            // send prompt(), then hand the client's next line to take()
        Done,              // the exchange is complete: the dialogue sends its verdict
        Cancelled,         // the client sent "*"
        UnknownMechanism,  // not PLAIN or LOGIN
    };

    // `arguments` is what follows "AUTH " (the mechanism and any initial response).
    Next start(const std::string& arguments);
    // A client line (without CRLF) answering the last prompt.
    Next take(const std::string& text);
    bool active() const { return active_; }
    const std::string& prompt() const { return prompt_; }

  private:
    Next advance();

    bool active_ = false;
    std::string prompt_;
    std::vector<std::string> pending_;  // prompts still to send
};

}  // namespace mailwire::fake
