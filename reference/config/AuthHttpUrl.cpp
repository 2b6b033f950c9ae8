#include "config/AuthHttpUrl.h"

#include "config/HostResolver.h"
#include "config/ValueParsers.h"

namespace mailwire::config {

namespace {

constexpr size_t kMaxUnixPath = 107;  // sizeof(sockaddr_un.sun_path) - 1

}  // namespace

std::string parseAuthHttpUrl(const std::string& written, AuthHttpTarget& out) {
    std::string url = written.rfind("http://", 0) == 0 ? written.substr(7) : written;
    auto fail = [&](const char* err) { return std::string(err) + " in auth_http \"" + url + "\""; };
    AuthHttpTarget t;
    t.text = written;

    if (url.rfind("unix:", 0) == 0) {
        std::string rest = url.substr(5);
        size_t colon = rest.find(':');
        t.unixPath = rest.substr(0, colon);
        if (colon != std::string::npos) t.uri = rest.substr(colon + 1);
        if (t.unixPath.empty()) return fail("no path in the unix domain socket");
        if (t.unixPath.size() > kMaxUnixPath) return fail("too long path in the unix domain socket");
        if (t.uri.empty()) t.uri = "/";
        t.hostHeader = "localhost";
        out = t;
        return "";
    }

    size_t uriStart = url.find_first_of("/?");
    std::string hostPort = url.substr(0, uriStart);
    if (uriStart != std::string::npos) t.uri = url.substr(uriStart);
    if (t.uri.empty()) t.uri = "/";

    std::string host;
    std::string portText;
    bool hasPort = false;
    if (!hostPort.empty() && hostPort[0] == '[') {
        size_t close = hostPort.find(']');
        if (close == std::string::npos) return fail("invalid host");
        host = hostPort.substr(0, close + 1);  // nginx keeps the brackets in the Host header
        std::string rest = hostPort.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') return fail("invalid host");
            portText = rest.substr(1);
            hasPort = true;
        }
    } else {
        size_t colon = hostPort.find(':');
        host = hostPort.substr(0, colon);
        if (colon != std::string::npos) {
            portText = hostPort.substr(colon + 1);
            hasPort = true;
        }
    }
    if (hasPort) {
        auto n = parseNumber(portText);
        if (!n || *n < 1 || *n > 65535) return fail("invalid port");
        t.port = static_cast<uint16_t>(*n);
    }
    if (host.empty()) return fail("no host");
    t.hostHeader = host;

    std::string lookup = host[0] == '[' ? host.substr(1, host.size() - 2) : host;
    auto addrs = resolveHost(lookup);
    if (addrs.empty()) return fail("host not found");
    t.host = addrs.front();
    out = t;
    return "";
}

}  // namespace mailwire::config
