#include "sasl/SaslExchange.h"

#include "sasl/Base64.h"
#include "sasl/SaslPayloads.h"

namespace mailwire::sasl {

std::string SaslPrompt::line(std::string_view prefix) const {
    std::string text(prefix);
    text += payload;
    text += "\r\n";
    return text;
}

SaslExchange::SaslExchange(SaslMechanisms enabled, std::function<std::string()> makeSalt)
    : enabled_(enabled), makeSalt_(std::move(makeSalt)) {}

void SaslExchange::reset() {
    stage_ = Stage::Idle;
    pendingLogin_.clear();
}

const std::string& SaslExchange::salt() {
    if (!saltMade_) {
        salt_ = makeSalt_ ? makeSalt_() : std::string();
        saltMade_ = true;
    }
    return salt_;
}

SaslStep SaslExchange::prompt(Stage next, SaslPrompt::Kind kind) {
    stage_ = next;
    SaslStep step;
    step.kind = SaslStep::Prompt;
    step.prompt.kind = kind;
    switch (kind) {
        case SaslPrompt::Username:
            step.prompt.payload = "VXNlcm5hbWU6";  // base64("Username:")
            break;
        case SaslPrompt::Password:
            step.prompt.payload = "UGFzc3dvcmQ6";  // base64("Password:")
            step.credentials.login = pendingLogin_;
            break;
        case SaslPrompt::Challenge:
            step.prompt.payload = encodeBase64(salt());
            break;
        case SaslPrompt::Empty:
            break;
    }
    return step;
}

SaslStep SaslExchange::complete(const char* method, std::string login, std::string password,
                                bool hasPassword) {
    SaslStep step;
    step.kind = SaslStep::Complete;
    step.credentials.method = method;
    step.credentials.login = std::move(login);
    lastLogin_ = step.credentials.login;
    step.credentials.password = std::move(password);
    step.credentials.hasPassword = hasPassword;
    if (step.credentials.method == "cram-md5") step.credentials.salt = salt();
    reset();
    return step;
}

SaslStep SaslExchange::reject(std::string infoLog) {
    reset();
    SaslStep step;
    step.infoLog = std::move(infoLog);
    return step;
}

SaslStep SaslExchange::start(const std::vector<std::string>& args) {
    reset();
    if (args.empty()) return reject();

    switch (parseMechanism(args[0])) {
        case SaslMechanism::Login:
            // Accepted whether or not *_auth lists it, as in nginx.
            if (args.size() == 1) return prompt(Stage::LoginUsername, SaslPrompt::Username);
            if (args.size() == 2) {
                SaslOutcome user = decodeAuthLoginUsername(args[1]);
                if (!user.ok) return reject(user.infoLog);
                pendingLogin_ = std::move(user.login);
                lastLogin_ = pendingLogin_;
                lastLogin_ = pendingLogin_;
                return prompt(Stage::LoginPassword, SaslPrompt::Password);
            }
            return reject();

        case SaslMechanism::Plain:
            // Accepted whether or not *_auth lists it, as in nginx.
            if (args.size() == 1) return prompt(Stage::Plain, SaslPrompt::Empty);
            if (args.size() == 2) {
                SaslOutcome plain = decodeAuthPlain(args[1]);
                if (!plain.ok) return reject(plain.infoLog);
                return complete("plain", std::move(plain.login), std::move(plain.password), true);
            }
            return reject();

        case SaslMechanism::CramMd5:
            if (args.size() != 1) return reject();  // no initial response allowed
            if (!enabled_.cramMd5) return reject();
            return prompt(Stage::CramMd5, SaslPrompt::Challenge);

        case SaslMechanism::External:
            if (args.size() == 1) {
                if (!enabled_.external) return reject();
                return prompt(Stage::External, SaslPrompt::Username);
            }
            if (args.size() == 2) {
                // nginx decodes an initial response before it looks at *_auth, so this form is accepted even
                // with EXTERNAL disabled (auth_http still decides).
                SaslOutcome external = decodeAuthExternal(args[1]);
                if (!external.ok) return reject(external.infoLog);
                return complete("external", std::move(external.login), std::string(), false);
            }
            return reject();

        case SaslMechanism::Unknown:
            break;
    }
    return reject();
}

SaslStep SaslExchange::respond(std::string_view response) {
    switch (stage_) {
        case Stage::LoginUsername: {
            SaslOutcome user = decodeAuthLoginUsername(response);
            if (!user.ok) return reject(user.infoLog);
            pendingLogin_ = std::move(user.login);
            lastLogin_ = pendingLogin_;
            return prompt(Stage::LoginPassword, SaslPrompt::Password);
        }
        case Stage::LoginPassword: {
            SaslOutcome password = decodeAuthLoginPassword(response);
            if (!password.ok) return reject(password.infoLog);
            return complete("plain", std::move(pendingLogin_), std::move(password.password), true);
        }
        case Stage::Plain: {
            SaslOutcome plain = decodeAuthPlain(response);
            if (!plain.ok) return reject(plain.infoLog);
            return complete("plain", std::move(plain.login), std::move(plain.password), true);
        }
        case Stage::CramMd5: {
            SaslOutcome cram = decodeAuthCramMd5(response);
            if (!cram.ok) return reject(cram.infoLog);
            return complete("cram-md5", std::move(cram.login), std::move(cram.password), true);
        }
        case Stage::External: {
            SaslOutcome external = decodeAuthExternal(response);
            if (!external.ok) return reject(external.infoLog);
            return complete("external", std::move(external.login), std::string(), false);
        }
        case Stage::Idle:
            break;
    }
    return reject();
}

}  // namespace mailwire::sasl
