#include <gtest/gtest.h>

#include <random>

#include "sasl/Base64.h"

namespace mailwire::sasl {
namespace {

TEST(Base64Decode, StandardPaddedInput) {
    EXPECT_EQ(decodeBase64("Zm9vYmFy"), "foobar");
    EXPECT_EQ(decodeBase64("Zm9vYg=="), "foob");
    EXPECT_EQ(decodeBase64("Zm9vYmE="), "fooba");
    EXPECT_EQ(decodeBase64("AHVzZXIAcGFzcw=="), std::string("\0user\0pass", 10));
}

TEST(Base64Decode, MissingPaddingIsAccepted) {
    EXPECT_EQ(decodeBase64("Zm9vYg"), "foob");
    EXPECT_EQ(decodeBase64("Zm9vYmE"), "fooba");
    EXPECT_EQ(decodeBase64("QQ"), "A");
}

TEST(Base64Decode, EmptyAndLoneEqualsAreEmpty) {
    EXPECT_EQ(decodeBase64(""), "");
    EXPECT_EQ(decodeBase64("="), "");
    EXPECT_EQ(decodeBase64("=garbage*"), "");
}

TEST(Base64Decode, StopsAtFirstEqualsAndIgnoresTheRest) {
    EXPECT_EQ(decodeBase64("QQ=!!"), "A");
    EXPECT_EQ(decodeBase64("QQ==Zm9v"), "A");
    EXPECT_EQ(decodeBase64("QUJD=* -"), "ABC");
}

TEST(Base64Decode, LengthOneModFourBeforeEqualsIsAnError) {
    EXPECT_EQ(decodeBase64("Q"), std::nullopt);
    EXPECT_EQ(decodeBase64("Q="), std::nullopt);
    EXPECT_EQ(decodeBase64("QUJDR"), std::nullopt);
    EXPECT_EQ(decodeBase64("QUJDR==="), std::nullopt);
}

TEST(Base64Decode, CharactersOutsideTheStandardAlphabetAreErrors) {
    EXPECT_EQ(decodeBase64("*"), std::nullopt);
    EXPECT_EQ(decodeBase64("***"), std::nullopt);
    EXPECT_EQ(decodeBase64("QU JD"), std::nullopt);
    EXPECT_EQ(decodeBase64("QUJD\r\n"), std::nullopt);
    EXPECT_EQ(decodeBase64("-_-_"), std::nullopt);  // the URL alphabet is not accepted
    EXPECT_EQ(decodeBase64(std::string("QQ\0Q", 4)), std::nullopt);
    EXPECT_EQ(decodeBase64("QQ\xC3\xA9"), std::nullopt);
}

TEST(Base64Decode, TrailingBitsAreIgnoredLikeNginx) {
    EXPECT_EQ(decodeBase64("QR"), "A");
    EXPECT_EQ(decodeBase64("QUJ"), "AB");
    EXPECT_EQ(decodeBase64("QUK"), "AB");
}

TEST(Base64Decode, PlusAndSlashDecode) { EXPECT_EQ(decodeBase64("+/+/"), std::string("\xfb\xff\xbf")); }

TEST(Base64Encode, StandardWithPaddingAndNoLineBreaks) {
    EXPECT_EQ(encodeBase64(""), "");
    EXPECT_EQ(encodeBase64("f"), "Zg==");
    EXPECT_EQ(encodeBase64("fo"), "Zm8=");
    EXPECT_EQ(encodeBase64("foo"), "Zm9v");
    EXPECT_EQ(encodeBase64("Username:"), "VXNlcm5hbWU6");
    EXPECT_EQ(encodeBase64("Password:"), "UGFzc3dvcmQ6");
    EXPECT_EQ(encodeBase64(std::string("\xfb\xff\xbf")), "+/+/");
    const std::string longInput(300, 'x');
    EXPECT_EQ(encodeBase64(longInput).find('\n'), std::string::npos);
    EXPECT_EQ(encodeBase64(longInput).size(), 400u);
}

TEST(Base64, RandomRoundTrips) {
    std::mt19937 random(12345);
    for (int round = 0; round < 500; ++round) {
        std::string raw(random() % 100, '\0');
        for (char& c : raw) c = static_cast<char>(random() & 0xff);
        const std::string encoded = encodeBase64(raw);
        ASSERT_EQ(decodeBase64(encoded), raw);
        std::string unpadded = encoded.substr(0, encoded.find('='));
        ASSERT_EQ(decodeBase64(unpadded), raw);
    }
}

}  // namespace
}  // namespace mailwire::sasl
