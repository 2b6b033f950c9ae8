#include "sasl/SaslPayloads.h"

#include <optional>

#include "sasl/Base64.h"

namespace mailwire::sasl {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
        if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
        if (x != y) return false;
    }
    return true;
}

SaslOutcome rejected(std::string infoLog) {
    SaslOutcome outcome;
    outcome.infoLog = std::move(infoLog);
    return outcome;
}

SaslOutcome badBase64(const char* mechanism) {
    return rejected(std::string("client sent invalid base64 encoding in AUTH ") + mechanism + " command");
}

}  // namespace

SaslMechanism parseMechanism(std::string_view name) {
    if (equalsIgnoreCase(name, "PLAIN")) return SaslMechanism::Plain;
    if (equalsIgnoreCase(name, "LOGIN")) return SaslMechanism::Login;
    if (equalsIgnoreCase(name, "CRAM-MD5")) return SaslMechanism::CramMd5;
    if (equalsIgnoreCase(name, "EXTERNAL")) return SaslMechanism::External;
    return SaslMechanism::Unknown;
}

SaslOutcome decodeAuthPlain(std::string_view base64) {
    const std::optional<std::string> plain = decodeBase64(base64);
    if (!plain) return badBase64("PLAIN");

    // The authcid starts after the first NUL; a NUL in the last byte leaves no room for it.
    const size_t firstNul = plain->find('\0');
    if (firstNul == std::string::npos || firstNul + 1 == plain->size()) {
        return rejected("client sent invalid login in AUTH PLAIN command");
    }
    const size_t secondNul = plain->find('\0', firstNul + 1);
    if (secondNul == std::string::npos) {
        return rejected("client sent invalid password in AUTH PLAIN command");
    }

    SaslOutcome outcome;
    outcome.ok = true;
    outcome.login = plain->substr(firstNul + 1, secondNul - firstNul - 1);
    outcome.password = plain->substr(secondNul + 1);
    return outcome;
}

SaslOutcome decodeAuthLoginUsername(std::string_view base64) {
    std::optional<std::string> login = decodeBase64(base64);
    if (!login) return badBase64("LOGIN");
    SaslOutcome outcome;
    outcome.ok = true;
    outcome.login = std::move(*login);
    return outcome;
}

SaslOutcome decodeAuthLoginPassword(std::string_view base64) {
    std::optional<std::string> password = decodeBase64(base64);
    if (!password) return badBase64("LOGIN");
    SaslOutcome outcome;
    outcome.ok = true;
    outcome.password = std::move(*password);
    return outcome;
}

SaslOutcome decodeAuthCramMd5(std::string_view base64) {
    const std::optional<std::string> decoded = decodeBase64(base64);
    if (!decoded) return badBase64("CRAM-MD5");

    const size_t space = decoded->find(' ');
    if (space == std::string::npos || decoded->size() - space - 1 != 32) {
        return rejected("client sent invalid CRAM-MD5 hash in AUTH CRAM-MD5 command");
    }
    SaslOutcome outcome;
    outcome.ok = true;
    outcome.login = decoded->substr(0, space);
    outcome.password = decoded->substr(space + 1);
    return outcome;
}

SaslOutcome decodeAuthExternal(std::string_view base64) {
    std::optional<std::string> login = decodeBase64(base64);
    if (!login) return badBase64("EXTERNAL");
    SaslOutcome outcome;
    outcome.ok = true;
    outcome.login = std::move(*login);
    return outcome;
}

}  // namespace mailwire::sasl
