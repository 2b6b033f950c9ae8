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

}  // namespace
}  // namespace mailwire::sasl
