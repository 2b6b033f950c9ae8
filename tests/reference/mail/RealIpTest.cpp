// set_real_ip_from matching (spec 10): which immediate peers may rewrite the client address.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "mail/RealIp.h"

namespace mailwire::mail {
namespace {

config::RealIpSource range(const char* ip, int prefix) {
    config::RealIpSource source;
    source.prefixLength = prefix;
    source.family = inet_pton(AF_INET, ip, source.address) == 1 ? AF_INET : AF_INET6;
    if (source.family == AF_INET6) inet_pton(AF_INET6, ip, source.address);
    return source;
}

config::RealIpSource unixSockets() {
    config::RealIpSource source;
    source.unixSocket = true;
    return source;
}

TEST(RealIpTest, Ipv4Ranges) {
    const std::vector<config::RealIpSource> trusted{range("10.0.0.0", 8), range("192.0.2.7", 32)};
    EXPECT_TRUE(peerIsTrusted(trusted, AF_INET, "10.200.3.4"));
    EXPECT_TRUE(peerIsTrusted(trusted, AF_INET, "192.0.2.7"));
    EXPECT_FALSE(peerIsTrusted(trusted, AF_INET, "192.0.2.8"));
    EXPECT_FALSE(peerIsTrusted(trusted, AF_INET, "11.0.0.1"));
}

TEST(RealIpTest, PrefixesThatEndMidByte) {
    const std::vector<config::RealIpSource> trusted{range("127.0.0.0", 9)};
    EXPECT_TRUE(peerIsTrusted(trusted, AF_INET, "127.127.0.1"));
    EXPECT_FALSE(peerIsTrusted(trusted, AF_INET, "127.128.0.1"));
}

TEST(RealIpTest, Ipv6Ranges) {
    const std::vector<config::RealIpSource> trusted{range("2001:db8::", 32), range("::1", 128)};
    EXPECT_TRUE(peerIsTrusted(trusted, AF_INET6, "2001:db8:1::5"));
    EXPECT_TRUE(peerIsTrusted(trusted, AF_INET6, "::1"));
    EXPECT_FALSE(peerIsTrusted(trusted, AF_INET6, "2001:db9::1"));
    EXPECT_FALSE(peerIsTrusted(trusted, AF_INET, "127.0.0.1"));
}

TEST(RealIpTest, Ipv4MappedPeerIsComparedAsIpv4) {
    EXPECT_TRUE(peerIsTrusted({range("127.0.0.0", 8)}, AF_INET6, "::ffff:127.0.0.1"));
    EXPECT_FALSE(peerIsTrusted({range("::ffff:0:0", 96)}, AF_INET6, "::ffff:127.0.0.1"));
}

TEST(RealIpTest, ZeroPrefixTrustsTheWholeFamily) {
    EXPECT_TRUE(peerIsTrusted({range("0.0.0.0", 0)}, AF_INET, "203.0.113.9"));
    EXPECT_FALSE(peerIsTrusted({range("0.0.0.0", 0)}, AF_INET6, "2001:db8::1"));
}

TEST(RealIpTest, UnixPeersOnlyMatchUnix) {
    EXPECT_TRUE(peerIsTrusted({unixSockets()}, AF_UNIX, "unix:"));
    EXPECT_FALSE(peerIsTrusted({range("0.0.0.0", 0)}, AF_UNIX, "unix:"));
    EXPECT_FALSE(peerIsTrusted({unixSockets()}, AF_INET, "127.0.0.1"));
}

TEST(RealIpTest, NobodyIsTrustedWithoutTheDirective) {
    EXPECT_FALSE(peerIsTrusted({}, AF_INET, "127.0.0.1"));
    EXPECT_FALSE(peerIsTrusted({}, AF_UNIX, "unix:"));
}

TEST(RealIpTest, CanonicalAddressesAsRealipWritesThem) {
    int family = 0;
    EXPECT_EQ(canonicalAddress("2001:DB8:0::1", family), "2001:db8::1");
    EXPECT_EQ(family, AF_INET6);
    EXPECT_EQ(canonicalAddress("192.0.2.7", family), "192.0.2.7");
    EXPECT_EQ(family, AF_INET);
    EXPECT_EQ(canonicalAddress("1.2.3.256", family), "");
    EXPECT_EQ(canonicalAddress("localhost", family), "");
}

}  // namespace
}  // namespace mailwire::mail
