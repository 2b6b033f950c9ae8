// set_real_ip_from (spec 10): addresses, CIDRs, "unix:" and host names, nginx's warning for host bits
// and its error for anything else (checked against nginx 1.22.1 with -t).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstring>

#include "config/ConfigLoader.h"
#include "reference/config/TempConfigDir.h"

namespace mailwire::config {
namespace {

using testing::imapConfig;
using testing::TempConfigDir;
using Strings = std::vector<std::string>;

std::string textOf(const RealIpSource& source) {
    if (source.unixSocket) return "unix:";
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(source.family, source.address, text, sizeof text);
    return std::string(text) + "/" + std::to_string(source.prefixLength);
}

class RealIpConfigTest : public ::testing::Test {
  protected:
    // The entries of the first server, as "address/bits" text.
    Strings sources(const std::string& serverBody, const std::string& mailBody = "") {
        dir.write("nginx.conf", imapConfig("listen 1143; protocol imap;\n" + serverBody, mailBody));
        notices.clear();
        Strings out;
        const MainConfig config = loadConfig("nginx.conf", dir.prefix(), notices);
        for (const auto& s : config.servers.at(0).setRealIpFrom) out.push_back(textOf(s));
        return out;
    }
    std::string at(const std::string& message, int line) const {
        return "[emerg] " + message + " in " + dir.path("nginx.conf") + ":" + std::to_string(line);
    }

    TempConfigDir dir;
    std::vector<std::string> notices;
};

TEST_F(RealIpConfigTest, AddressesCidrsAndUnix) {
    EXPECT_EQ(sources("set_real_ip_from 192.0.2.7; set_real_ip_from 10.0.0.0/8; set_real_ip_from ::1;\n"
                      "set_real_ip_from 2001:db8::/32; set_real_ip_from unix:; set_real_ip_from 0.0.0.0/0;"),
              (Strings{"192.0.2.7/32", "10.0.0.0/8", "::1/128", "2001:db8::/32", "unix:", "0.0.0.0/0"}));
    EXPECT_TRUE(notices.empty());
    dir.write("nginx.conf", imapConfig("listen 1143; protocol imap; set_real_ip_from unix:;"));
    const RealIpSource unixSource = loadConfig("nginx.conf", dir.prefix()).servers.at(0).setRealIpFrom.at(0);
    EXPECT_TRUE(unixSource.unixSocket);
}

TEST_F(RealIpConfigTest, FamiliesAndBytesAreInNetworkOrder) {
    dir.write(
        "nginx.conf",
        imapConfig("listen 1143; protocol imap; set_real_ip_from 10.1.2.3; set_real_ip_from fe80::/10;"));
    const auto entries = loadConfig("nginx.conf", dir.prefix()).servers.at(0).setRealIpFrom;
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].family, AF_INET);
    EXPECT_FALSE(entries[0].unixSocket);
    const unsigned char v4[] = {10, 1, 2, 3};
    EXPECT_EQ(std::memcmp(entries[0].address, v4, 4), 0);
    EXPECT_EQ(entries[1].family, AF_INET6);
    EXPECT_EQ(entries[1].address[0], 0xfe);
    EXPECT_EQ(entries[1].address[1], 0x80);
    EXPECT_EQ(entries[1].prefixLength, 10);
}

TEST_F(RealIpConfigTest, HostBitsAreClearedWithNginxWarning) {
    EXPECT_EQ(
        sources("set_real_ip_from 10.0.0.1/8;\nset_real_ip_from 2001:db8::1/32;\nset_real_ip_from ::1/64;"),
        (Strings{"10.0.0.0/8", "2001:db8::/32", "::/64"}));
    const std::string file = dir.path("nginx.conf");
    EXPECT_EQ(notices, (Strings{"[warn] low address bits of 10.0.0.1/8 are meaningless in " + file + ":6",
                                "[warn] low address bits of 2001:db8::1/32 are meaningless in " + file + ":7",
                                "[warn] low address bits of ::1/64 are meaningless in " + file + ":8"}));
    // ngx_inet_addr reads "010" as 10.
    EXPECT_EQ(sources("set_real_ip_from 010.0.0.1/8;"), Strings{"10.0.0.0/8"});
    EXPECT_EQ(notices.size(), 1u);
}

TEST_F(RealIpConfigTest, HostNamesBecomeExactEntriesIpv4First) {
    const Strings local = sources("set_real_ip_from localhost;");
    ASSERT_FALSE(local.empty());
    EXPECT_EQ(local.front(), "127.0.0.1/32");
    for (const auto& entry : local) EXPECT_TRUE(entry == "127.0.0.1/32" || entry == "::1/128") << entry;
}

TEST_F(RealIpConfigTest, AnythingElseIsAHostThatIsNotFound) {
    // The brief said `invalid parameter`; nginx's mail realip tries the text as a host name instead.
    for (const char* bad :
         {"nohost.invalid", "10.0.0.0/33", "::1/129", "10.0.0.0/", "unix:/x", "[::1]", "all"}) {
        EXPECT_EQ(
            dir.error(imapConfig("listen 1143; protocol imap;\nset_real_ip_from " + std::string(bad) + ";")),
            at("host not found in set_real_ip_from \"" + std::string(bad) + "\"", 6))
            << bad;
    }
}

TEST_F(RealIpConfigTest, ServerListReplacesMailList) {
    dir.write("nginx.conf", imapConfig("listen 1143; protocol imap; set_real_ip_from 10.0.0.1;",
                                       "    set_real_ip_from 192.0.2.0/24; set_real_ip_from unix:;\n"
                                       "    server { listen 1144; protocol imap; }\n"));
    const MainConfig c = loadConfig("nginx.conf", dir.prefix());
    ASSERT_EQ(c.servers.size(), 2u);
    ASSERT_EQ(c.servers[0].setRealIpFrom.size(), 1u);
    EXPECT_EQ(textOf(c.servers[0].setRealIpFrom[0]), "10.0.0.1/32");
    ASSERT_EQ(c.servers[1].setRealIpFrom.size(), 2u);
    EXPECT_EQ(textOf(c.servers[1].setRealIpFrom[0]), "192.0.2.0/24");
    EXPECT_TRUE(c.servers[1].setRealIpFrom[1].unixSocket);
}

TEST_F(RealIpConfigTest, OneArgumentOnly) {
    EXPECT_EQ(dir.error(imapConfig("listen 1143; protocol imap; set_real_ip_from a b;")),
              at("invalid number of arguments in \"set_real_ip_from\" directive", 5));
}

}  // namespace
}  // namespace mailwire::config
