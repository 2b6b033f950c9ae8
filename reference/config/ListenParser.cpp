#include "config/ListenParser.h"

#include <Poco/Net/IPAddress.h>

#include <algorithm>
#include <string>

#include "config/ConfigError.h"
#include "config/HostResolver.h"
#include "config/ValueParsers.h"

namespace mailwire::config {

namespace {

struct Address {
    std::string host;  // empty: wildcard
    bool ipv6Literal = false;
    std::string hostText;  // as written, for messages
    uint16_t port = 0;
};

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

constexpr size_t kMaxUnixPath = 107;  // sizeof(sockaddr_un.sun_path) less the terminating NUL

[[noreturn]] void urlError(const char* err, const Directive& d) {
    throwAt(std::string(err) + " in \"" + d.args[0] + "\" of the \"listen\" directive", d.where);
}

bool parsePort(const std::string& text, uint16_t& port) {
    auto n = parseNumber(text);
    if (!n || *n < 1 || *n > 65535) return false;
    port = static_cast<uint16_t>(*n);
    return true;
}

Address parseAddress(const Directive& d) {
    const std::string& url = d.args[0];
    Address a;
    if (startsWith(url, "[")) {
        size_t close = url.find(']');
        if (close == std::string::npos) urlError("invalid host", d);
        a.host = url.substr(1, close - 1);
        a.ipv6Literal = true;
        std::string rest = url.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') urlError("invalid host", d);
            if (!parsePort(rest.substr(1), a.port)) urlError("invalid port", d);
        }
        Poco::Net::IPAddress ip;
        if (!Poco::Net::IPAddress::tryParse(a.host, ip) || ip.family() != Poco::Net::IPAddress::IPv6) {
            urlError("invalid IPv6 address", d);
        }
        return a;
    }
    size_t colon = url.find(':');
    if (colon == std::string::npos) {
        if (auto n = parseNumber(url)) {  // a bare port: every address
            if (*n < 1 || *n > 65535) urlError("invalid port", d);
            a.port = static_cast<uint16_t>(*n);
            return a;
        }
        a.host = url;  // no port: nginx's mail listen leaves it 0
    } else {
        a.host = url.substr(0, colon);
        if (!parsePort(url.substr(colon + 1), a.port)) urlError("invalid port", d);
    }
    if (a.host.empty()) urlError("no host", d);
    if (a.host == "*") a.host.clear();
    return a;
}

[[noreturn]] void invalidParameter(const std::string& p, const Directive& d) {
    throwAt("invalid parameter \"" + p + "\"", d.where);
}

void parseKeepalive(const std::string& param, ListenSpec& ls, const Directive& d) {
    std::string v = param.substr(13);
    auto bad = [&]() { throwAt("invalid so_keepalive value: \"" + v + "\"", d.where); };
    if (v == "on") {
        ls.soKeepalive = 1;
        return;
    }
    if (v == "off") {
        ls.soKeepalive = 2;
        return;
    }
    size_t c1 = v.find(':');
    std::string idle = v.substr(0, c1);
    std::string rest = c1 == std::string::npos ? "" : v.substr(c1 + 1);
    size_t c2 = rest.find(':');
    std::string intvl = rest.substr(0, c2);
    std::string cnt = c2 == std::string::npos ? "" : rest.substr(c2 + 1);
    if (!idle.empty()) {
        auto t = parseTime(idle, true);
        if (!t) bad();
        ls.keepIdle = static_cast<int>(*t);
    }
    if (!intvl.empty()) {
        auto t = parseTime(intvl, true);
        if (!t) bad();
        ls.keepIntvl = static_cast<int>(*t);
    }
    if (!cnt.empty()) {
        auto n = parseNumber(cnt);
        if (!n) bad();
        ls.keepCnt = static_cast<int>(*n);
    }
    if (ls.keepIdle == 0 && ls.keepIntvl == 0 && ls.keepCnt == 0) bad();
    ls.soKeepalive = 1;
}

void parseParameters(const Directive& d, ListenSpec& ls) {
    for (size_t i = 1; i < d.args.size(); ++i) {
        const std::string& p = d.args[i];
        if (p == "bind") {
            ls.bind = true;
        } else if (startsWith(p, "backlog=")) {
            auto n = parseNumber(p.substr(8));
            if (!n || *n == 0) throwAt("invalid backlog \"" + p + "\"", d.where);
            ls.backlog = static_cast<int>(*n);
            ls.bind = true;
        } else if (startsWith(p, "rcvbuf=") || startsWith(p, "sndbuf=")) {
            auto n = parseSize(p.substr(7));
            if (!n) throwAt("invalid " + p.substr(0, 6) + " \"" + p + "\"", d.where);
            (p[0] == 'r' ? ls.rcvbuf : ls.sndbuf) = static_cast<int>(*n);
            ls.bind = true;
        } else if (startsWith(p, "ipv6only=o")) {
            std::string v = p.substr(9);
            if (v == "on") {
                ls.ipv6only = true;
            } else if (v == "off") {
                ls.ipv6only = false;
            } else {
                throwAt("invalid ipv6only flags \"" + v + "\"", d.where);
            }
            ls.bind = true;
        } else if (p == "ssl") {
            ls.ssl = true;
        } else if (startsWith(p, "so_keepalive=")) {
            parseKeepalive(p, ls, d);
            ls.bind = true;
        } else if (p == "proxy_protocol") {
            ls.proxyProtocol = true;
        } else if (p == "multipath") {
            ls.multipath = true;
            ls.bind = true;
        } else {
            invalidParameter(p, d);
        }
    }
}

std::string addrText(const std::string& ip, uint16_t port) {
    bool v6 = ip.find(':') != std::string::npos;
    return (v6 ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

}  // namespace

std::vector<ListenSpec> parseListen(const Directive& d) {
    if (startsWith(d.args[0], "unix:")) {
        ListenSpec ls;
        ls.unixPath = d.args[0].substr(5);
        if (ls.unixPath.empty()) urlError("no path in the unix domain socket", d);
        if (ls.unixPath.size() > kMaxUnixPath) urlError("too long path in the unix domain socket", d);
        ls.text = d.args[0];
        ls.where = d.where;
        parseParameters(d, ls);
        return {ls};
    }
    Address a = parseAddress(d);
    ListenSpec proto;
    proto.port = a.port;
    proto.where = d.where;
    parseParameters(d, proto);

    std::vector<std::string> ips;
    if (a.host.empty()) {
        ips.push_back("0.0.0.0");
    } else {
        ips = resolveHost(a.host);
        if (ips.empty()) urlError("host not found", d);
    }
    std::vector<ListenSpec> out;
    for (const auto& ip : ips) {
        ListenSpec ls = proto;
        ls.host = ip;
        ls.text = addrText(ip, a.port);
        bool dup =
            std::any_of(out.begin(), out.end(), [&](const ListenSpec& o) { return o.text == ls.text; });
        if (!dup) out.push_back(ls);
    }
    return out;
}

}  // namespace mailwire::config
