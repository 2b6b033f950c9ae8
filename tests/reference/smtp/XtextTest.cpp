// xtext for XCLIENT LOGIN= (spec 8.6).
#include <gtest/gtest.h>

#include "smtp/Xtext.h"

namespace mailwire::smtp {
namespace {

TEST(Xtext, SpecExample) { EXPECT_EQ(encodeXtext("a+b=c d\xC3\xA9"), "a+2Bb+3Dc+20d+C3+A9"); }

TEST(Xtext, PlainLoginsPassUnchanged) {
    EXPECT_EQ(encodeXtext("good"), "good");
    EXPECT_EQ(encodeXtext("user@example.com"), "user@example.com");
    EXPECT_EQ(encodeXtext("we\"ird\\!~"), "we\"ird\\!~");
}

TEST(Xtext, ControlBytesDeleteAndHighBytesAreEncoded) {
    EXPECT_EQ(encodeXtext(std::string("\0\x1F\x20\x7F\x80\xFF", 6)), "+00+1F+20+7F+80+FF");
}

TEST(Xtext, EmptyStaysEmpty) { EXPECT_EQ(encodeXtext(""), ""); }

}  // namespace
}  // namespace mailwire::smtp
