#include <gtest/gtest.h>
#include <sys/socket.h>

#include "config/ValueParsers.h"

namespace mailwire::config {
namespace {

TEST(ValueParsersTest, TimesUseNginxUnitsAndBareNumbersAreSeconds) {
    EXPECT_EQ(parseTime("10s"), 10000);
    EXPECT_EQ(parseTime("1m"), 60000);
    EXPECT_EQ(parseTime("24h"), 86400000);
    EXPECT_EQ(parseTime("500ms"), 500);
    EXPECT_EQ(parseTime("30"), 30000);
    EXPECT_EQ(parseTime("1h30m"), 5400000);
    EXPECT_EQ(parseTime("1m 30s"), 90000);
    EXPECT_EQ(parseTime("1d"), 86400000);
    EXPECT_EQ(parseTime("0"), 0);
    EXPECT_EQ(parseTime("30m", true), 1800);
}

TEST(ValueParsersTest, TimesRejectBadUnitsOrder) {
    EXPECT_FALSE(parseTime(""));
    EXPECT_FALSE(parseTime("abc"));
    EXPECT_FALSE(parseTime("10x"));
    EXPECT_FALSE(parseTime("1s1m"));
    EXPECT_FALSE(parseTime("1y"));  // years and months do not fit a millisecond value
    EXPECT_FALSE(parseTime("1M"));
    EXPECT_FALSE(parseTime("25d"));  // over INT32_MAX milliseconds
    EXPECT_FALSE(parseTime("5ms", true));
    EXPECT_FALSE(parseTime("s"));
    EXPECT_FALSE(parseTime("-1"));
}

TEST(ValueParsersTest, SizesTakeKMG) {
    EXPECT_EQ(parseSize("4k"), 4096);
    EXPECT_EQ(parseSize("4K"), 4096);
    EXPECT_EQ(parseSize("1m"), 1048576);
    EXPECT_EQ(parseSize("1g"), 1073741824);
    EXPECT_EQ(parseSize("100"), 100);
    EXPECT_FALSE(parseSize(""));
    EXPECT_FALSE(parseSize("k"));
    EXPECT_FALSE(parseSize("4x"));
    EXPECT_FALSE(parseSize("4kb"));
    EXPECT_FALSE(parseSize("9999999999"));
}

TEST(ValueParsersTest, NumbersAndFlags) {
    EXPECT_EQ(parseNumber("5"), 5);
    EXPECT_FALSE(parseNumber("-1"));
    EXPECT_FALSE(parseNumber("5a"));
    EXPECT_FALSE(parseNumber("99999999999"));
    EXPECT_EQ(parseFlag("on"), true);
    EXPECT_EQ(parseFlag("OFF"), false);
    EXPECT_FALSE(parseFlag("yes"));
}

TEST(ValueParsersTest, CidrsLikeNgxPtocidr) {
    RealIpSource c;
    EXPECT_EQ(parseCidr("192.0.2.7", c), CidrParse::Exact);
    EXPECT_EQ(c.family, AF_INET);
    EXPECT_EQ(c.prefixLength, 32);
    EXPECT_EQ(c.address[3], 7);
    EXPECT_EQ(parseCidr("10.0.0.0/8", c), CidrParse::Exact);
    EXPECT_EQ(c.prefixLength, 8);
    EXPECT_EQ(parseCidr("10.255.0.1/9", c), CidrParse::HostBitsCleared);
    EXPECT_EQ(c.address[0], 10);
    EXPECT_EQ(c.address[1], 0x80);
    EXPECT_EQ(c.address[3], 0);
    EXPECT_EQ(parseCidr("1.2.3.4/0", c), CidrParse::HostBitsCleared);
    EXPECT_EQ(c.address[0], 0);
    EXPECT_EQ(parseCidr("1..2.3", c), CidrParse::Exact);  // an empty octet is 0 in ngx_inet_addr
    EXPECT_EQ(c.address[1], 0);
    EXPECT_EQ(parseCidr("::1", c), CidrParse::Exact);
    EXPECT_EQ(c.family, AF_INET6);
    EXPECT_EQ(c.prefixLength, 128);
    EXPECT_EQ(parseCidr("2001:db8::ff/120", c), CidrParse::HostBitsCleared);
    EXPECT_EQ(c.address[15], 0);
    EXPECT_EQ(parseCidr("::ffff:10.0.0.1", c), CidrParse::Exact);
    for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/-1",
                            "::1/129", "[::1]", "example.com", "unix:"}) {
        EXPECT_EQ(parseCidr(bad, c), CidrParse::Invalid) << bad;
    }
}

}  // namespace
}  // namespace mailwire::config
