#include "app/ListenerPlan.h"

#include <algorithm>
#include <map>

#include "core/TcpConnection.h"

namespace mailwire::app {

namespace {

bool isWildcard(const std::string& host) { return host == "0.0.0.0" || host == "::" || host.empty(); }
bool isIpv6(const std::string& host) { return host.find(':') != std::string::npos; }

// Socket options that need a socket of their own, as nginx's `bind` does.
bool needsOwnSocket(const config::ListenSpec& spec) { return spec.bind || spec.backlog != 511; }

bool isUnix(const config::ListenSpec& spec) { return !spec.unixPath.empty(); }

std::string keyOf(const config::ListenSpec& spec) {
    if (isUnix(spec)) return "unix:" + spec.unixPath;
    return core::formatAddress(spec.host.empty() ? "0.0.0.0" : spec.host, spec.port);
}

}  // namespace

std::vector<PlannedSocket> planListenSockets(const config::MainConfig& config) {
    std::vector<PlannedSocket> sockets;
    std::map<std::string, size_t> byKey;
    // Wildcard sockets first, so specific addresses can attach to the wildcard of their port and family.
    for (int pass = 0; pass < 2; ++pass) {
        for (size_t s = 0; s < config.servers.size(); ++s) {
            for (const auto& spec : config.servers[s].listens) {
                // A unix socket has no address to route by: its own socket, one route, like a wildcard.
                const bool wildcard = isUnix(spec) || isWildcard(spec.host);
                if ((pass == 0) != wildcard) continue;
                const std::string key = keyOf(spec);
                if (!wildcard && !needsOwnSocket(spec)) {
                    config::ListenSpec any = spec;
                    any.host = isIpv6(spec.host) ? "::" : "0.0.0.0";
                    auto covering = byKey.find(keyOf(any));
                    if (covering != byKey.end()) {
                        sockets[covering->second].routes.push_back(
                            ListenRoute{spec.host, s, spec.text, spec.ssl, spec.proxyProtocol});
                        continue;
                    }
                }
                auto existing = byKey.find(key);
                if (existing != byKey.end()) {
                    // The config rejects duplicates; keep the first if one slips through.
                    continue;
                }
                byKey.emplace(key, sockets.size());
                sockets.push_back(PlannedSocket{
                    key,
                    spec,
                    {ListenRoute{wildcard ? "" : spec.host, s, spec.text, spec.ssl, spec.proxyProtocol}}});
            }
        }
    }
    return sockets;
}

const ListenRoute* routeFor(const PlannedSocket& socket, const std::string& localHost) {
    for (const auto& route : socket.routes)
        if (!route.localHost.empty() && route.localHost == localHost) return &route;
    for (const auto& route : socket.routes)
        if (route.localHost.empty()) return &route;
    return socket.routes.size() == 1 ? &socket.routes.front() : nullptr;
}

ListenerDiff diffListeners(const std::vector<std::string>& current, const std::vector<std::string>& wanted) {
    ListenerDiff diff;
    for (const auto& key : wanted) {
        if (std::find(current.begin(), current.end(), key) != current.end())
            diff.keep.push_back(key);
        else
            diff.open.push_back(key);
    }
    for (const auto& key : current)
        if (std::find(wanted.begin(), wanted.end(), key) == wanted.end()) diff.close.push_back(key);
    return diff;
}

}  // namespace mailwire::app
