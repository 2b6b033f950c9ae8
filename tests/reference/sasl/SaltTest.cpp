#include <gtest/gtest.h>

#include "sasl/Base64.h"
#include "sasl/Salt.h"

namespace mailwire::sasl {
namespace {

TEST(Salt, FormatMatchesNginx) {
    EXPECT_EQ(formatSalt(1951602462UL, 1795311090, "mail.example.com"),
              "<1951602462.1795311090@mail.example.com>");
    EXPECT_EQ(formatSalt(0, 0, "x"), "<0.0@x>");
    EXPECT_EQ(formatSalt(2147483647UL, 4102444800LL, ""), "<2147483647.4102444800@>");
}

TEST(Salt, CramMd5ChallengeIsPrefixBase64OfSaltCrlf) {
    const std::string salt = "<1951602462.1795311090@mail.example.com>";
    EXPECT_EQ(cramMd5Challenge("+ ", salt), "+ " + encodeBase64(salt) + "\r\n");
    EXPECT_EQ(cramMd5Challenge("334 ", salt), "334 " + encodeBase64(salt) + "\r\n");
    EXPECT_EQ(cramMd5Challenge("+ ", "<1.2@h>"), "+ PDEuMkBoPg==\r\n");
}

}  // namespace
}  // namespace mailwire::sasl
