#include "smtp/SmtpCapabilities.h"

#include <utility>
#include <vector>

namespace mailwire::smtp {

namespace {

// Lines without their "250-"/"250 " prefix; the last one gets the space.
std::string block(const std::vector<std::string>& lines, bool lastGetsSpace) {
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
        out += (lastGetsSpace && i + 1 == lines.size()) ? "250 " : "250-";
        out += lines[i];
        out += "\r\n";
    }
    return out;
}

}  // namespace

SmtpCapabilities::SmtpCapabilities(const config::ServerConfig& server) : starttls_(server.starttls) {
    helo_ = "250 " + server.serverName + "\r\n";

    std::vector<std::string> lines{server.serverName};
    lines.insert(lines.end(), server.smtpCapabilities.begin(), server.smtpCapabilities.end());

    // Mechanisms always in this order, whatever the config says; "none" is never listed.
    std::string auth;
    const std::pair<unsigned, const char*> mechanisms[] = {{config::kAuthPlain, "PLAIN"},
                                                           {config::kAuthLogin, "LOGIN"},
                                                           {config::kAuthCramMd5, "CRAM-MD5"},
                                                           {config::kAuthExternal, "EXTERNAL"}};
    for (const auto& [bit, name] : mechanisms) {
        if (server.smtpAuth & bit) {
            auth += ' ';
            auth += name;
        }
    }

    std::vector<std::string> withAuth = lines;
    if (!auth.empty()) withAuth.push_back("AUTH" + auth);

    normal_ = block(withAuth, true);
    withStartTls_ = block(withAuth, false) + "250 STARTTLS\r\n";
    startTlsOnly_ = block(lines, false) + "250 STARTTLS\r\n";
}

const std::string& SmtpCapabilities::ehlo(bool tlsActive) const {
    if (!tlsActive) {
        if (starttls_ == config::StartTls::On) return withStartTls_;
        if (starttls_ == config::StartTls::Only) return startTlsOnly_;
    }
    return normal_;
}

}  // namespace mailwire::smtp
