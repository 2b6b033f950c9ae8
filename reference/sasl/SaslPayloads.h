// Decoding of the SASL payloads nginx's mail module accepts (spec 3.6), shared by IMAP, POP3 and SMTP.
// Each function takes one base64 argument exactly as the client sent it.
#pragma once

#include <string>
#include <string_view>

namespace mailwire::sasl {

enum class SaslMechanism { Plain, Login, CramMd5, External, Unknown };

// Case-insensitive: "PLAIN", "LOGIN", "CRAM-MD5", "EXTERNAL"; anything else is Unknown.
SaslMechanism parseMechanism(std::string_view name);

struct SaslOutcome {
    bool ok = false;
    std::string login;
    std::string password;  // CRAM-MD5: the 32-character digest
    std::string infoLog;   // set when !ok: the info-level line nginx logs
};

// `authzid NUL authcid NUL password`; the authzid is ignored.
SaslOutcome decodeAuthPlain(std::string_view base64);
// AUTH LOGIN steps: the decoded value lands in `login` or `password` respectively.
SaslOutcome decodeAuthLoginUsername(std::string_view base64);
SaslOutcome decodeAuthLoginPassword(std::string_view base64);
// `user SP digest`, split at the first space; the digest must be 32 characters (hex is not checked).
SaslOutcome decodeAuthCramMd5(std::string_view base64);
// The decoded value (possibly empty) is the login; there is no password.
SaslOutcome decodeAuthExternal(std::string_view base64);

}  // namespace mailwire::sasl
