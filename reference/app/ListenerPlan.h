// Which listening sockets a configuration needs, and how a reload changes the open set. Pure: no sockets.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/MailConfig.h"

namespace mailwire::app {

// One server reachable through a socket. A wildcard socket may also carry servers whose specific
// address (listen without `bind`) it covers; the connection's local address picks among them.
struct ListenRoute {
    std::string localHost;  // specific address, or "" for the wildcard's own server
    size_t server = 0;      // index into MainConfig::servers
    std::string listenText;
    bool ssl = false;  // this listen's own `ssl` and `proxy_protocol` (a covering wildcard's differ)
    bool proxyProtocol = false;
};

struct PlannedSocket {
    std::string key;  // "127.0.0.1:1143", "[::]:1143", "unix:/run/imap.sock": what a reload compares
    config::ListenSpec bind;
    std::vector<ListenRoute> routes;
};

std::vector<PlannedSocket> planListenSockets(const config::MainConfig& config);

// Picks the route for a connection accepted on `socket` whose local address is `localHost`; null if none.
const ListenRoute* routeFor(const PlannedSocket& socket, const std::string& localHost);

struct ListenerDiff {
    std::vector<std::string> keep;   // already open: reuse the socket
    std::vector<std::string> open;   // new in this configuration
    std::vector<std::string> close;  // no longer listened on
};
ListenerDiff diffListeners(const std::vector<std::string>& current, const std::vector<std::string>& wanted);

}  // namespace mailwire::app
