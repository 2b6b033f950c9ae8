#include <gtest/gtest.h>

#include "sasl/Base64.h"
#include "sasl/SaslPayloads.h"

namespace mailwire::sasl {
namespace {

std::string b64(const std::string& raw) { return encodeBase64(raw); }
const std::string kDigest = "0123456789abcdef0123456789abcdef";

TEST(SaslMechanismName, CaseInsensitiveKnownNames) {
    EXPECT_EQ(parseMechanism("PLAIN"), SaslMechanism::Plain);
    EXPECT_EQ(parseMechanism("plain"), SaslMechanism::Plain);
    EXPECT_EQ(parseMechanism("LoGiN"), SaslMechanism::Login);
    EXPECT_EQ(parseMechanism("cram-md5"), SaslMechanism::CramMd5);
    EXPECT_EQ(parseMechanism("External"), SaslMechanism::External);
}

TEST(SaslMechanismName, OthersAreUnknown) {
    for (const char* name : {"", "DIGEST-MD5", "XOAUTH2", "OAUTHBEARER", "GSSAPI", "SCRAM-SHA-1", "PLAINX",
                             "PLAI", "CRAM_MD5", "APOP"}) {
        EXPECT_EQ(parseMechanism(name), SaslMechanism::Unknown) << name;
    }
}

TEST(SaslPlain, AuthzidIsIgnored) {
    SaslOutcome outcome = decodeAuthPlain(b64(std::string("admin\0user\0pass", 15)));
    ASSERT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.login, "user");
    EXPECT_EQ(outcome.password, "pass");
    EXPECT_EQ(outcome.infoLog, "");
}

TEST(SaslPlain, EmptyAuthzid) {
    SaslOutcome outcome = decodeAuthPlain(b64(std::string("\0user\0pass", 10)));
    ASSERT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.login, "user");
    EXPECT_EQ(outcome.password, "pass");
}

TEST(SaslPlain, PasswordMayBeEmptyOrContainNuls) {
    SaslOutcome empty = decodeAuthPlain(b64(std::string("\0user\0", 6)));
    ASSERT_TRUE(empty.ok);
    EXPECT_EQ(empty.password, "");
    SaslOutcome nuls = decodeAuthPlain(b64(std::string("\0user\0p\0q", 9)));
    ASSERT_TRUE(nuls.ok);
    EXPECT_EQ(nuls.password, std::string("p\0q", 3));
    SaslOutcome emptyLogin = decodeAuthPlain(b64(std::string("\0\0pw", 4)));
    ASSERT_TRUE(emptyLogin.ok);
    EXPECT_EQ(emptyLogin.login, "");
    EXPECT_EQ(emptyLogin.password, "pw");
}

TEST(SaslPlain, MissingFirstNulIsAnInvalidLogin) {
    for (const std::string& raw :
         {std::string("userpass"), std::string(""), std::string("user\0", 5), std::string("\0", 1)}) {
        SaslOutcome outcome = decodeAuthPlain(b64(raw));
        EXPECT_FALSE(outcome.ok);
        EXPECT_EQ(outcome.infoLog, "client sent invalid login in AUTH PLAIN command");
    }
}

TEST(SaslPlain, MissingSecondNulIsAnInvalidPassword) {
    SaslOutcome outcome = decodeAuthPlain(b64(std::string("\0user", 5)));
    EXPECT_FALSE(outcome.ok);
    EXPECT_EQ(outcome.infoLog, "client sent invalid password in AUTH PLAIN command");
}

TEST(SaslPlain, BadBase64) {
    SaslOutcome outcome = decodeAuthPlain("*");
    EXPECT_FALSE(outcome.ok);
    EXPECT_EQ(outcome.infoLog, "client sent invalid base64 encoding in AUTH PLAIN command");
}

TEST(SaslLogin, EachStepIsPlainBase64) {
    EXPECT_EQ(decodeAuthLoginUsername(b64("user")).login, "user");
    EXPECT_EQ(decodeAuthLoginPassword(b64("p a s s")).password, "p a s s");
    SaslOutcome empty = decodeAuthLoginUsername("");
    EXPECT_TRUE(empty.ok);
    EXPECT_EQ(empty.login, "");
}

TEST(SaslLogin, BadBase64InEitherStep) {
    EXPECT_EQ(decodeAuthLoginUsername("***").infoLog,
              "client sent invalid base64 encoding in AUTH LOGIN command");
    EXPECT_FALSE(decodeAuthLoginPassword("a").ok);
    EXPECT_EQ(decodeAuthLoginPassword("a").infoLog,
              "client sent invalid base64 encoding in AUTH LOGIN command");
}

TEST(SaslCramMd5, SplitsAtFirstSpace) {
    SaslOutcome outcome = decodeAuthCramMd5(b64("user " + kDigest));
    ASSERT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.login, "user");
    EXPECT_EQ(outcome.password, kDigest);
    SaslOutcome emptyUser = decodeAuthCramMd5(b64(" " + kDigest));
    ASSERT_TRUE(emptyUser.ok);
    EXPECT_EQ(emptyUser.login, "");
}

TEST(SaslCramMd5, DigestMustBe32CharactersButHexIsNotChecked) {
    EXPECT_TRUE(decodeAuthCramMd5(b64("user " + std::string(32, 'z'))).ok);
    EXPECT_TRUE(decodeAuthCramMd5(b64("a b c" + std::string(29, 'z'))).ok);  // the digest may hold a space
    for (const std::string& raw : {"user " + kDigest.substr(1), "user " + kDigest + "0", "user" + kDigest,
                                   std::string(), std::string("user")}) {
        SaslOutcome outcome = decodeAuthCramMd5(b64(raw));
        EXPECT_FALSE(outcome.ok) << raw;
        EXPECT_EQ(outcome.infoLog, "client sent invalid CRAM-MD5 hash in AUTH CRAM-MD5 command");
    }
}

TEST(SaslCramMd5, BadBase64) {
    EXPECT_EQ(decodeAuthCramMd5("a-b").infoLog,
              "client sent invalid base64 encoding in AUTH CRAM-MD5 command");
}

TEST(SaslExternal, DecodedValueIsTheLogin) {
    SaslOutcome outcome = decodeAuthExternal(b64("someone"));
    ASSERT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.login, "someone");
    EXPECT_EQ(outcome.password, "");
    EXPECT_TRUE(decodeAuthExternal("=").ok);
    EXPECT_EQ(decodeAuthExternal("=").login, "");
    EXPECT_EQ(decodeAuthExternal("*").infoLog,
              "client sent invalid base64 encoding in AUTH EXTERNAL command");
}

}  // namespace
}  // namespace mailwire::sasl
