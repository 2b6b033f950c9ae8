#include "smtp_sasl_exchange.h"

#include "command_words.h"

namespace mailwire::fake {

namespace {

const char* const kPlainPrompt = "334 \r\n";
const char* const kUsernamePrompt = "334 VXNlcm5hbWU6\r\n";  // base64 "Username:"
const char* const kPasswordPrompt = "334 UGFzc3dvcmQ6\r\n";  // base64 "Password:"

}  // namespace

SmtpSaslExchange::Next SmtpSaslExchange::start(const std::string& arguments) {
    const std::string mechanism = upperFirstWord(arguments);
    const bool initialResponse = !afterFirstWord(arguments).empty();
    pending_.clear();
    if (mechanism == "PLAIN") {
        if (!initialResponse) pending_ = {kPlainPrompt};
    } else if (mechanism == "LOGIN") {
        if (initialResponse)
            pending_ = {kPasswordPrompt};
        else
            pending_ = {kUsernamePrompt, kPasswordPrompt};
    } else {
        active_ = false;
        return Next::UnknownMechanism;
    }
    return advance();
}

SmtpSaslExchange::Next SmtpSaslExchange::take(const std::string& text) {
    if (text == "*") {
        active_ = false;
        pending_.clear();
        return Next::Cancelled;
    }
    return advance();
}

SmtpSaslExchange::Next SmtpSaslExchange::advance() {
    if (pending_.empty()) {
        active_ = false;
        return Next::Done;
    }
    prompt_ = pending_.front();
    pending_.erase(pending_.begin());
    active_ = true;
    return Next::Prompt;
}

}  // namespace mailwire::fake
