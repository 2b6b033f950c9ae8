#include "pop3/Pop3Capabilities.h"

#include "pop3/Pop3Replies.h"

namespace mailwire::pop3 {

namespace {

bool equalsIgnoreCase(const std::string& a, const char* b) {
    size_t i = 0;
    for (; i < a.size() && b[i] != '\0'; ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
        if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
        if (x != y) return false;
    }
    return i == a.size() && b[i] == '\0';
}

}  // namespace

unsigned effectivePop3AuthMethods(unsigned configured) {
    return (configured & config::kAuthPlain) ? configured | config::kAuthLogin : configured;
}

Pop3Capabilities::Pop3Capabilities(const config::ServerConfig& server) : starttls_(server.starttls) {
    const unsigned methods = effectivePop3AuthMethods(server.pop3Auth);

    // Fixed order whatever pop3_auth says; APOP is announced by the greeting's salt, never here.
    static const struct {
        unsigned bit;
        const char* name;
    } kMechanisms[] = {{config::kAuthPlain, "PLAIN"},
                       {config::kAuthLogin, "LOGIN"},
                       {config::kAuthCramMd5, "CRAM-MD5"},
                       {config::kAuthExternal, "EXTERNAL"}};

    std::string sasl = "SASL";
    methods_ = replies::kMethodsHeader;
    for (const auto& mechanism : kMechanisms) {
        if (!(methods & mechanism.bit)) continue;
        sasl += std::string(" ") + mechanism.name;
        methods_ += std::string(mechanism.name) + "\r\n";
    }
    methods_ += replies::kListEnd;

    std::string listed;
    std::string listedWithoutUser;
    for (const std::string& capability : server.pop3Capabilities) {
        listed += capability + "\r\n";
        if (!equalsIgnoreCase(capability, "USER")) listedWithoutUser += capability + "\r\n";
    }

    normal_ = replies::kCapabilityHeader + listed + sasl + "\r\n" + replies::kListEnd;
    withStartTls_ = replies::kCapabilityHeader + listed + sasl + "\r\nSTLS\r\n" + replies::kListEnd;
    startTlsOnly_ = replies::kCapabilityHeader + listedWithoutUser + "STLS\r\n" + replies::kListEnd;
}

const std::string& Pop3Capabilities::capa(bool tlsActive, bool startState) const {
    if (!tlsActive && startState) {
        if (starttls_ == config::StartTls::On) return withStartTls_;
        if (starttls_ == config::StartTls::Only) return startTlsOnly_;
    }
    return normal_;
}

}  // namespace mailwire::pop3
