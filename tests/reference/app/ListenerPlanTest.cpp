#include <gtest/gtest.h>

#include "app/ListenerPlan.h"

namespace mailwire::app {
namespace {

config::ListenSpec listen(const std::string& host, uint16_t port, const std::string& text,
                          bool bind = false) {
    config::ListenSpec spec;
    spec.host = host;
    spec.port = port;
    spec.text = text;
    spec.bind = bind;
    return spec;
}

config::MainConfig withServers(std::vector<std::vector<config::ListenSpec>> listens) {
    config::MainConfig config;
    for (auto& set : listens) {
        config::ServerConfig server;
        server.listens = std::move(set);
        config.servers.push_back(std::move(server));
    }
    return config;
}

TEST(ListenerPlanTest, OneSocketPerSpecificAddress) {
    const auto plan = planListenSockets(
        withServers({{listen("127.0.0.1", 1143, "127.0.0.1:1143")},
                     {listen("127.0.0.1", 1110, "127.0.0.1:1110"), listen("::1", 1110, "[::1]:1110")}}));
    ASSERT_EQ(plan.size(), 3u);
    EXPECT_EQ(plan[0].key, "127.0.0.1:1143");
    EXPECT_EQ(plan[1].key, "127.0.0.1:1110");
    EXPECT_EQ(plan[2].key, "[::1]:1110");
    EXPECT_EQ(plan[2].routes[0].server, 1u);
    EXPECT_EQ(plan[2].routes[0].listenText, "[::1]:1110");
}

TEST(ListenerPlanTest, EachRouteKeepsItsOwnSslAndProxyProtocol) {
    config::ListenSpec wildcard = listen("", 993, "0.0.0.0:993");
    wildcard.ssl = true;
    config::ListenSpec specific = listen("127.0.0.2", 993, "127.0.0.2:993");
    specific.proxyProtocol = true;
    const auto plan = planListenSockets(withServers({{wildcard}, {specific}}));
    ASSERT_EQ(plan.size(), 1u);
    const ListenRoute* own = routeFor(plan[0], "127.0.0.1");
    const ListenRoute* covered = routeFor(plan[0], "127.0.0.2");
    ASSERT_TRUE(own && covered);
    EXPECT_TRUE(own->ssl);
    EXPECT_FALSE(own->proxyProtocol);
    EXPECT_FALSE(covered->ssl);
    EXPECT_TRUE(covered->proxyProtocol);
}

TEST(ListenerPlanTest, WildcardCarriesSpecificAddressesOfItsPort) {
    // nginx binds one 0.0.0.0:1143 socket; the connection's local address picks the server.
    const auto plan = planListenSockets(
        withServers({{listen("127.0.0.2", 1143, "127.0.0.2:1143")}, {listen("0.0.0.0", 1143, "*:1143")}}));
    ASSERT_EQ(plan.size(), 1u);
    EXPECT_EQ(plan[0].key, "0.0.0.0:1143");
    const ListenRoute* specific = routeFor(plan[0], "127.0.0.2");
    ASSERT_NE(specific, nullptr);
    EXPECT_EQ(specific->server, 0u);
    EXPECT_EQ(specific->listenText, "127.0.0.2:1143");
    const ListenRoute* other = routeFor(plan[0], "127.0.0.1");
    ASSERT_NE(other, nullptr);
    EXPECT_EQ(other->server, 1u);
    EXPECT_EQ(other->listenText, "*:1143");
}

TEST(ListenerPlanTest, BindForcesASocketOfItsOwn) {
    const auto plan = planListenSockets(withServers(
        {{listen("127.0.0.2", 1143, "127.0.0.2:1143", true)}, {listen("0.0.0.0", 1143, "*:1143")}}));
    ASSERT_EQ(plan.size(), 2u);
    EXPECT_EQ(plan[0].key, "0.0.0.0:1143");
    EXPECT_EQ(plan[1].key, "127.0.0.2:1143");
    EXPECT_EQ(routeFor(plan[1], "127.0.0.2")->server, 0u);
}

TEST(ListenerPlanTest, Ipv6WildcardDoesNotCarryIpv4Addresses) {
    const auto plan = planListenSockets(
        withServers({{listen("127.0.0.1", 1143, "127.0.0.1:1143")}, {listen("::", 1143, "[::]:1143")}}));
    ASSERT_EQ(plan.size(), 2u);
}

config::ListenSpec unixListen(const std::string& path) {
    config::ListenSpec spec;
    spec.unixPath = path;
    spec.text = "unix:" + path;
    return spec;
}

TEST(ListenerPlanTest, EachUnixPathIsASocketOfItsOwnWithOneRoute) {
    const auto plan = planListenSockets(withServers(
        {{unixListen("/run/a.sock"), listen("0.0.0.0", 1143, "*:1143")}, {unixListen("/run/b.sock")}}));
    ASSERT_EQ(plan.size(), 3u);
    EXPECT_EQ(plan[0].key, "unix:/run/a.sock");
    EXPECT_EQ(plan[1].key, "0.0.0.0:1143");
    EXPECT_EQ(plan[2].key, "unix:/run/b.sock");
    // An accepted unix connection has no address text: its socket's only route takes it.
    const ListenRoute* a = routeFor(plan[0], "");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->server, 0u);
    EXPECT_EQ(a->listenText, "unix:/run/a.sock");
    ASSERT_NE(routeFor(plan[2], ""), nullptr);
    EXPECT_EQ(routeFor(plan[2], "")->server, 1u);
    EXPECT_EQ(plan[0].bind.unixPath, "/run/a.sock");
}

TEST(ListenerDiffTest, KeepsOpensAndCloses) {
    const auto diff =
        diffListeners({"127.0.0.1:1143", "127.0.0.1:1110"}, {"127.0.0.1:1143", "127.0.0.1:1025"});
    EXPECT_EQ(diff.keep, std::vector<std::string>{"127.0.0.1:1143"});
    EXPECT_EQ(diff.open, std::vector<std::string>{"127.0.0.1:1025"});
    EXPECT_EQ(diff.close, std::vector<std::string>{"127.0.0.1:1110"});
}

TEST(ListenerDiffTest, NothingChanges) {
    const auto diff = diffListeners({"[::1]:1143"}, {"[::1]:1143"});
    EXPECT_EQ(diff.keep.size(), 1u);
    EXPECT_TRUE(diff.open.empty());
    EXPECT_TRUE(diff.close.empty());
}

}  // namespace
}  // namespace mailwire::app
