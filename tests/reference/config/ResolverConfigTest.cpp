// `resolver` and `resolver_timeout`: addresses, parameters, inheritance and nginx's error wording
// (checked with nginx 1.22 -t; ipv4= is newer than 1.22 and follows the 1.31.5 spec).
#include <gtest/gtest.h>

#include "config/ConfigLoader.h"
#include "reference/config/TempConfigDir.h"

namespace mailwire::config {
namespace {

using testing::imapConfig;
using testing::TempConfigDir;
using Strings = std::vector<std::string>;

class ResolverConfigTest : public ::testing::Test {
  protected:
    ServerConfig server(const std::string& body, const std::string& mailBody = "") const {
        MainConfig c = dir.load(imapConfig("listen 127.0.0.1:2525; protocol smtp;\n" + body, mailBody));
        return c.servers.at(0);
    }
    std::string error(const std::string& body) const {
        return dir.error(imapConfig("listen 127.0.0.1:2525; protocol smtp;\n" + body));
    }
    std::string at(const std::string& message, int line) const {
        return "[emerg] " + message + " in " + dir.path("nginx.conf") + ":" + std::to_string(line);
    }

    TempConfigDir dir;
};

TEST_F(ResolverConfigTest, OffByDefault) {
    const ServerConfig s = server("");
    EXPECT_FALSE(s.resolverEnabled);
    EXPECT_TRUE(s.resolverAddresses.empty());
    EXPECT_EQ(s.resolverTimeout, Millis(30000));
}

TEST_F(ResolverConfigTest, AddressesGetPort53UnlessGiven) {
    const ServerConfig s = server("resolver 127.0.0.1 127.0.0.2:5353 [::1] [::1]:5300;");
    EXPECT_TRUE(s.resolverEnabled);
    EXPECT_EQ(s.resolverAddresses, (Strings{"127.0.0.1:53", "127.0.0.2:5353", "[::1]:53", "[::1]:5300"}));
    EXPECT_TRUE(s.resolverIpv4);
    EXPECT_TRUE(s.resolverIpv6);
    EXPECT_EQ(s.resolverValid, Millis(0));
}

TEST_F(ResolverConfigTest, Parameters) {
    const ServerConfig s = server("resolver 127.0.0.1 valid=30s ipv6=off; resolver_timeout 2s;");
    EXPECT_EQ(s.resolverValid, Millis(30000));
    EXPECT_TRUE(s.resolverIpv4);
    EXPECT_FALSE(s.resolverIpv6);
    EXPECT_EQ(s.resolverTimeout, Millis(2000));
    const ServerConfig v6only = server("resolver 127.0.0.1 ipv4=off;");
    EXPECT_FALSE(v6only.resolverIpv4);
    EXPECT_TRUE(v6only.resolverIpv6);
}

TEST_F(ResolverConfigTest, HostNamesAreResolvedAtLoadTime) {
    const ServerConfig s = server("resolver localhost:5353 ipv6=off;");
    ASSERT_FALSE(s.resolverAddresses.empty());
    for (const auto& address : s.resolverAddresses) EXPECT_NE(address.find(":5353"), std::string::npos);
}

TEST_F(ResolverConfigTest, OffIgnoresTheRest) {
    EXPECT_FALSE(server("resolver off;").resolverEnabled);
    EXPECT_FALSE(server("resolver off off;").resolverEnabled);
}

TEST_F(ResolverConfigTest, ServerInheritsTheMailResolverAsAWhole) {
    MainConfig c = dir.load(
        "events {}\nmail {\n    auth_http 127.0.0.1:9000/auth;\n"
        "    resolver 127.0.0.1:5353 ipv6=off; resolver_timeout 3s;\n"
        "    server { listen 127.0.0.1:2525; protocol smtp; }\n"
        "    server { listen 127.0.0.1:2526; protocol smtp; resolver 127.0.0.2; }\n"
        "    server { listen 127.0.0.1:2527; protocol smtp; resolver off; }\n}\n");
    ASSERT_EQ(c.servers.size(), 3u);
    EXPECT_TRUE(c.servers[0].resolverEnabled);
    EXPECT_EQ(c.servers[0].resolverAddresses, Strings{"127.0.0.1:5353"});
    EXPECT_FALSE(c.servers[0].resolverIpv6);
    EXPECT_EQ(c.servers[0].resolverTimeout, Millis(3000));
    EXPECT_EQ(c.servers[1].resolverAddresses, Strings{"127.0.0.2:53"});
    EXPECT_TRUE(c.servers[1].resolverIpv6);  // not merged with the mail-level parameters
    EXPECT_FALSE(c.servers[2].resolverEnabled);
}

TEST_F(ResolverConfigTest, ErrorsWordedAsNginxWordsThem) {
    EXPECT_EQ(error("resolver 127.0.0.1:5353 ipv6=maybe;"), at("invalid parameter: ipv6=maybe", 6));
    EXPECT_EQ(error("resolver 127.0.0.1:5353 valid=abc;"), at("invalid parameter: valid=abc", 6));
    EXPECT_EQ(error("resolver 127.0.0.1:99999;"), at("invalid port in resolver \"127.0.0.1:99999\"", 6));
    EXPECT_EQ(error("resolver no.such.host.invalid;"),
              at("host not found in resolver \"no.such.host.invalid\"", 6));
    EXPECT_EQ(error("resolver 127.0.0.1 ipv4=off ipv6=off;"),
              at("\"ipv4\" and \"ipv6\" cannot both be \"off\"", 6));
    EXPECT_EQ(error("resolver 127.0.0.1; resolver 127.0.0.2;"), at("\"resolver\" directive is duplicate", 6));
    EXPECT_EQ(error("resolver_timeout abc;"), at("\"resolver_timeout\" directive invalid value", 6));
}

}  // namespace
}  // namespace mailwire::config
