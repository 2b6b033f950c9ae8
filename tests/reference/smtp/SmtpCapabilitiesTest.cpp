// The EHLO capability block and the HELO reply (spec 6.5).
#include <gtest/gtest.h>

#include "SmtpDriver.h"
#include "smtp/SmtpCapabilities.h"

namespace mailwire::smtp {
namespace {

using testing::defaultServer;

TEST(SmtpCapabilities, Default) {
    SmtpCapabilities caps(defaultServer());
    EXPECT_EQ(caps.normal(), "250-mail.example.com\r\n250 AUTH PLAIN LOGIN\r\n");
    EXPECT_EQ(caps.helo(), "250 mail.example.com\r\n");
}

TEST(SmtpCapabilities, ConfiguredCapabilitiesComeBeforeAuth) {
    config::ServerConfig server = defaultServer();
    server.smtpCapabilities = {"SIZE 1000", "8BITMIME"};
    SmtpCapabilities caps(server);
    EXPECT_EQ(caps.normal(),
              "250-mail.example.com\r\n250-SIZE 1000\r\n250-8BITMIME\r\n250 AUTH PLAIN LOGIN\r\n");
}

TEST(SmtpCapabilities, MechanismsInFixedOrderNoneNeverListed) {
    config::ServerConfig server = defaultServer();
    server.smtpAuth = config::kAuthExternal | config::kAuthNone | config::kAuthCramMd5 | config::kAuthLogin |
                      config::kAuthPlain;
    SmtpCapabilities caps(server);
    EXPECT_EQ(caps.normal(), "250-mail.example.com\r\n250 AUTH PLAIN LOGIN CRAM-MD5 EXTERNAL\r\n");
}

TEST(SmtpCapabilities, NoMechanismsLastLineGetsTheSpace) {
    config::ServerConfig server = defaultServer();
    server.smtpAuth = config::kAuthNone;
    EXPECT_EQ(SmtpCapabilities(server).normal(), "250 mail.example.com\r\n");
    server.smtpCapabilities = {"PIPELINING", "SIZE 10"};
    EXPECT_EQ(SmtpCapabilities(server).normal(), "250-mail.example.com\r\n250-PIPELINING\r\n250 SIZE 10\r\n");
}

TEST(SmtpCapabilities, StartTlsOn) {
    config::ServerConfig server = defaultServer();
    server.starttls = config::StartTls::On;
    SmtpCapabilities caps(server);
    EXPECT_EQ(caps.ehlo(false), "250-mail.example.com\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n");
    EXPECT_EQ(caps.ehlo(true), "250-mail.example.com\r\n250 AUTH PLAIN LOGIN\r\n");
}

TEST(SmtpCapabilities, StartTlsOnly) {
    config::ServerConfig server = defaultServer();
    server.starttls = config::StartTls::Only;
    server.smtpCapabilities = {"SIZE 1000"};
    SmtpCapabilities caps(server);
    EXPECT_EQ(caps.ehlo(false), "250-mail.example.com\r\n250-SIZE 1000\r\n250 STARTTLS\r\n");
    EXPECT_EQ(caps.ehlo(true), "250-mail.example.com\r\n250-SIZE 1000\r\n250 AUTH PLAIN LOGIN\r\n");
}

TEST(SmtpCapabilities, StartTlsOnlyDefaultCaps) {
    config::ServerConfig server = defaultServer();
    server.starttls = config::StartTls::Only;
    EXPECT_EQ(SmtpCapabilities(server).ehlo(false), "250-mail.example.com\r\n250 STARTTLS\r\n");
}

TEST(SmtpCapabilities, StartTlsOnWithoutMechanisms) {
    config::ServerConfig server = defaultServer();
    server.starttls = config::StartTls::On;
    server.smtpAuth = config::kAuthNone;
    EXPECT_EQ(SmtpCapabilities(server).ehlo(false), "250-mail.example.com\r\n250 STARTTLS\r\n");
}

TEST(SmtpCapabilities, StartTlsOffIgnoresTls) {
    SmtpCapabilities caps(defaultServer());
    EXPECT_EQ(caps.ehlo(false), caps.normal());
    EXPECT_EQ(caps.ehlo(true), caps.normal());
}

}  // namespace
}  // namespace mailwire::smtp
