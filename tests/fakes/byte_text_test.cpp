#include "byte_text.h"

#include <gtest/gtest.h>

#include "line_splitter.h"

namespace mailwire::fake {
namespace {

TEST(BytesToJsonString, EscapesLineEndsQuotesAndBackslash) {
    EXPECT_EQ(bytesToJsonString("a1 \"x\" \\ ok\r\n"), R"("a1 \"x\" \\ ok\r\n")");
}

TEST(BytesToJsonString, ControlDelAndHighBytesBecomeOneCodePointEach) {
    std::string bytes{'\0', '\t', '\x1f', '\x7f', '\x80', '\xff'};
    EXPECT_EQ(bytesToJsonString(bytes), R"("\u0000\u0009\u001f\u007f\u0080\u00ff")");
}

TEST(BytesFromLatin1Text, EveryByteSurvivesTheRoundTripThroughUtf8) {
    std::string all;
    for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
    // What a JSON parser hands over for "\u0000...\u00ff": the same code points in UTF-8.
    std::string utf8;
    for (unsigned char c : all) {
        if (c < 0x80) {
            utf8.push_back(static_cast<char>(c));
        } else {
            utf8.push_back(static_cast<char>(0xc0 | (c >> 6)));
            utf8.push_back(static_cast<char>(0x80 | (c & 0x3f)));
        }
    }
    std::string bytes, error;
    ASSERT_TRUE(bytesFromLatin1Text(utf8, bytes, error)) << error;
    EXPECT_EQ(bytes, all);
}

TEST(BytesFromLatin1Text, CodePointAboveFFIsAnError) {
    std::string bytes, error;
    EXPECT_FALSE(bytesFromLatin1Text("ok\xc4\x80", bytes, error));  // U+0100
    EXPECT_NE(error.find("U+0100"), std::string::npos) << error;
    EXPECT_FALSE(bytesFromLatin1Text("\xe2\x82\xac", bytes, error));  // U+20AC
    EXPECT_NE(error.find("U+20AC"), std::string::npos) << error;
}

TEST(BytesFromLatin1Text, InvalidUtf8IsAnError) {
    std::string bytes, error;
    EXPECT_FALSE(bytesFromLatin1Text("a\xc3", bytes, error));
    EXPECT_NE(error.find("invalid UTF-8"), std::string::npos);
}

TEST(LineSplitter, KeepsLineEndsAndHoldsThePartialLine) {
    LineSplitter splitter;
    std::vector<std::string> lines;
    splitter.feed("a1 LOGIN {4}\r\ngo", lines);
    splitter.feed("od {6}\nsecret", lines);
    EXPECT_EQ(lines, (std::vector<std::string>{"a1 LOGIN {4}\r\n", "good {6}\n"}));
    EXPECT_EQ(splitter.takeRest(), "secret");
    EXPECT_EQ(splitter.takeRest(), "");
}

TEST(LineSplitter, CutsOverlongLinesIntoPiecesOfTheLimit) {
    LineSplitter splitter(4);
    std::vector<std::string> lines;
    splitter.feed("abcdefghij\nxy", lines);
    EXPECT_EQ(lines, (std::vector<std::string>{"abcd", "efgh", "ij\n"}));
    EXPECT_EQ(splitter.takeRest(), "xy");
}

}  // namespace
}  // namespace mailwire::fake
