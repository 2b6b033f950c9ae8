#include <gtest/gtest.h>

#include <string>

#include "core/Ipv4Text.h"

namespace mailwire::core {
namespace {

std::string text(unsigned char a, unsigned char b, unsigned char c, unsigned char d) {
    const unsigned char octets[4] = {a, b, c, d};
    char out[kIpv4TextSize];
    formatIpv4(octets, out);
    return out;
}

TEST(Ipv4Text, EveryDigitCountAndTheLongestAddressFit) {
    EXPECT_EQ(text(127, 0, 0, 1), "127.0.0.1");
    EXPECT_EQ(text(10, 9, 100, 99), "10.9.100.99");
    EXPECT_EQ(text(0, 0, 0, 0), "0.0.0.0");
    EXPECT_EQ(text(255, 255, 255, 255), "255.255.255.255");
}

}  // namespace
}  // namespace mailwire::core
