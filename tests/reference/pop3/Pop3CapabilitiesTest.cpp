// CAPA lists and STLS under every starttls setting (spec 5.4, 9.2, quirk 10).
#include <gtest/gtest.h>

#include "Pop3Driver.h"
#include "pop3/Pop3Capabilities.h"

namespace mailwire::pop3::testing {
namespace {

using mail::ClientStep;

config::ServerConfig withStartTls(config::StartTls mode) {
    config::ServerConfig server = defaultServer();
    server.starttls = mode;
    return server;
}

TEST(Pop3Capabilities, DefaultLists) {
    Pop3Capabilities capabilities(defaultServer());
    EXPECT_EQ(capabilities.normal(), kDefaultCapa);
    EXPECT_EQ(capabilities.withStartTls(),
              "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nSASL PLAIN LOGIN\r\nSTLS\r\n.\r\n");
    EXPECT_EQ(capabilities.startTlsOnly(), "+OK Capability list follows\r\nTOP\r\nUIDL\r\nSTLS\r\n.\r\n");
    EXPECT_EQ(capabilities.methods(), "+OK methods supported:\r\nPLAIN\r\nLOGIN\r\n.\r\n");
}

TEST(Pop3Capabilities, MechanismsInFixedOrderWithoutApop) {
    config::ServerConfig server = defaultServer();
    server.pop3Auth = config::kAuthExternal | config::kAuthCramMd5 | config::kAuthApop | config::kAuthPlain;
    Pop3Capabilities capabilities(server);
    EXPECT_EQ(
        capabilities.normal(),
        "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nSASL PLAIN LOGIN CRAM-MD5 EXTERNAL\r\n.\r\n");
    server.pop3Auth = config::kAuthPlain | config::kAuthApop | config::kAuthCramMd5;
    EXPECT_EQ(Pop3Capabilities(server).methods(),
              "+OK methods supported:\r\nPLAIN\r\nLOGIN\r\nCRAM-MD5\r\n.\r\n");
}

TEST(Pop3Capabilities, BareSaslLineWithoutMechanisms) {
    config::ServerConfig server = defaultServer();
    server.pop3Auth = config::kAuthApop;
    server.pop3Capabilities = {"TOP", "UIDL", "EXPIRE 30", "user"};
    Pop3Capabilities capabilities(server);
    EXPECT_EQ(capabilities.normal(),
              "+OK Capability list follows\r\nTOP\r\nUIDL\r\nEXPIRE 30\r\nuser\r\nSASL\r\n.\r\n");
    // USER is left out case-insensitively, and only as a whole word.
    server.pop3Capabilities = {"user", "USERS", "X"};
    EXPECT_EQ(Pop3Capabilities(server).startTlsOnly(),
              "+OK Capability list follows\r\nUSERS\r\nX\r\nSTLS\r\n.\r\n");
}

TEST(Pop3Capabilities, EmptyCapabilityList) {
    config::ServerConfig server = defaultServer();
    server.pop3Capabilities.clear();
    EXPECT_EQ(Pop3Capabilities(server).normal(), "+OK Capability list follows\r\nSASL PLAIN LOGIN\r\n.\r\n");
}

TEST(Pop3Capabilities, PlainImpliesLogin) {
    EXPECT_EQ(effectivePop3AuthMethods(config::kAuthPlain),
              unsigned{config::kAuthPlain | config::kAuthLogin});
    EXPECT_EQ(effectivePop3AuthMethods(config::kAuthApop), unsigned{config::kAuthApop});
}

TEST(Pop3StartTls, OffRefusesStls) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("STLS\r\n"), kInvalid);
    EXPECT_FALSE(pop3.protocol.takeStartTlsRequest());
}

TEST(Pop3StartTls, OnAdvertisesAndAcceptsStlsDroppingPipelinedBytes) {
    Pop3Driver pop3(withStartTls(config::StartTls::On));
    EXPECT_EQ(pop3.say("CAPA\r\n"),
              "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nSASL PLAIN LOGIN\r\nSTLS\r\n.\r\n");
    std::vector<ClientStep> steps = pop3.feed("STLS\r\nUSER injected\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].output, "+OK\r\n");
    EXPECT_TRUE(pop3.protocol.takeStartTlsRequest());
    EXPECT_FALSE(pop3.protocol.takeStartTlsRequest());
    pop3.protocol.setTlsActive(true);
    // No new greeting; the injected USER is gone, so PASS is refused.
    EXPECT_EQ(pop3.say("PASS x\r\n"), kInvalid);
    EXPECT_EQ(pop3.say("CAPA\r\n"), kDefaultCapa);
    EXPECT_EQ(pop3.say("STLS\r\n"), kInvalid);
}

TEST(Pop3StartTls, OnlyBlocksLoginCommandsBeforeTls) {
    Pop3Driver pop3(withStartTls(config::StartTls::Only));
    EXPECT_EQ(pop3.say("CAPA\r\n"), "+OK Capability list follows\r\nTOP\r\nUIDL\r\nSTLS\r\n.\r\n");
    for (const char* line :
         {"USER good\r\n", "AUTH\r\n", "AUTH PLAIN AHVzZXIAcGFzcw==\r\n", "AUTH LOGIN\r\n"})
        EXPECT_EQ(pop3.say(line), kInvalid) << line;
    Pop3Driver apop(withStartTls(config::StartTls::Only));
    EXPECT_EQ(apop.say("NOOP\r\n"), "+OK\r\n");
    EXPECT_EQ(apop.say("STLS\r\n"), "+OK\r\n");
    ASSERT_TRUE(apop.protocol.takeStartTlsRequest());
    apop.protocol.setTlsActive(true);
    EXPECT_EQ(apop.say("CAPA\r\n"), kDefaultCapa);
    EXPECT_EQ(apop.say("USER good\r\n"), "+OK\r\n");
}

TEST(Pop3StartTls, UserStateCapaNeverShowsStls) {
    Pop3Driver pop3(withStartTls(config::StartTls::On));
    ASSERT_EQ(pop3.say("USER good\r\n"), "+OK\r\n");
    EXPECT_EQ(pop3.say("CAPA\r\n"), kDefaultCapa);
}

TEST(Pop3StartTls, OnAnImplicitTlsPortStlsIsRefused) {
    Pop3Driver pop3(withStartTls(config::StartTls::On));
    pop3.protocol.setTlsActive(true);
    EXPECT_EQ(pop3.say("CAPA\r\n"), kDefaultCapa);
    EXPECT_EQ(pop3.say("STLS\r\n"), kInvalid);
}

}  // namespace
}  // namespace mailwire::pop3::testing
