#include "config/ResolverArgs.h"

#include "config/HostResolver.h"
#include "config/ValueParsers.h"

namespace mailwire::config {

namespace {

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// "on"/"off" after a "name=" prefix; nullopt otherwise.
std::optional<bool> onOff(const std::string& value) {
    if (value == "on") return true;
    if (value == "off") return false;
    return std::nullopt;
}

bool parsePortText(const std::string& text, unsigned& port) {
    if (text.empty() || text.size() > 5) return false;
    port = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        port = port * 10 + static_cast<unsigned>(c - '0');
    }
    return port >= 1 && port <= 65535;
}

// One address argument: "host", "host:port", "[v6]" or "[v6]:port"; appends each resolved address.
std::string addAddress(const std::string& arg, std::vector<std::string>& out) {
    std::string host = arg;
    std::string portText;
    if (!arg.empty() && arg[0] == '[') {
        const auto close = arg.find(']');
        if (close == std::string::npos) return "invalid host in resolver \"" + arg + "\"";
        host = arg.substr(1, close - 1);
        const std::string rest = arg.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') return "invalid host in resolver \"" + arg + "\"";
            portText = rest.substr(1);
            if (portText.empty()) return "invalid port in resolver \"" + arg + "\"";
        }
    } else {
        const auto colon = arg.rfind(':');
        if (colon != std::string::npos && arg.find(':') == colon) {
            host = arg.substr(0, colon);
            portText = arg.substr(colon + 1);
            if (portText.empty()) return "invalid port in resolver \"" + arg + "\"";
        }
    }
    unsigned port = 53;
    if (!portText.empty() && !parsePortText(portText, port))
        return "invalid port in resolver \"" + arg + "\"";
    if (host.empty()) return "no host in resolver \"" + arg + "\"";
    const auto addresses = resolveHost(host);
    if (addresses.empty()) return "host not found in resolver \"" + arg + "\"";
    for (const auto& address : addresses) {
        const bool v6 = address.find(':') != std::string::npos;
        out.push_back((v6 ? "[" + address + "]" : address) + ":" + std::to_string(port));
    }
    return "";
}

}  // namespace

std::string parseResolverArgs(const std::vector<std::string>& args, ResolverSettings& out) {
    out = ResolverSettings{};
    for (const auto& arg : args) {
        if (startsWith(arg, "valid=")) {
            const auto t = parseTime(arg.substr(6), true);
            if (!t) return "invalid parameter: " + arg;
            out.valid = Millis(*t * 1000);
        } else if (startsWith(arg, "ipv4=")) {
            const auto flag = onOff(arg.substr(5));
            if (!flag) return "invalid parameter: " + arg;
            out.ipv4 = *flag;
        } else if (startsWith(arg, "ipv6=")) {
            const auto flag = onOff(arg.substr(5));
            if (!flag) return "invalid parameter: " + arg;
            out.ipv6 = *flag;
        } else {
            std::string error = addAddress(arg, out.addresses);
            if (!error.empty()) return error;
        }
    }
    if (!out.ipv4 && !out.ipv6) return "\"ipv4\" and \"ipv6\" cannot both be \"off\"";
    return "";
}

}  // namespace mailwire::config
