// CAPABILITY lines per configuration (spec 4.4).
#include <gtest/gtest.h>

#include "imap/ImapCapabilities.h"

namespace mailwire::imap {
namespace {

config::ServerConfig server(unsigned auth,
                            std::vector<std::string> capabilities = {"IMAP4", "IMAP4rev1", "UIDPLUS"},
                            config::StartTls starttls = config::StartTls::Off) {
    config::ServerConfig s;
    s.imapAuth = auth;
    s.imapCapabilities = std::move(capabilities);
    s.starttls = starttls;
    return s;
}

TEST(ImapCapabilities, Defaults) {
    const config::ServerConfig server;
    ImapCapabilities caps{server};
    EXPECT_EQ(caps.normal(), "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN\r\n");
    EXPECT_EQ(caps.withStartTls(), "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN STARTTLS\r\n");
    EXPECT_EQ(caps.startTlsOnly(), "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS STARTTLS LOGINDISABLED\r\n");
    EXPECT_EQ(caps.line(false), caps.normal());
    EXPECT_EQ(caps.line(true), caps.normal());
}

TEST(ImapCapabilities, AllMechanismsInFixedOrder) {
    ImapCapabilities caps{
        server(config::kAuthExternal | config::kAuthCramMd5 | config::kAuthLogin | config::kAuthPlain)};
    EXPECT_EQ(caps.normal(),
              "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5 AUTH=EXTERNAL\r\n");
}

TEST(ImapCapabilities, OnlySomeMechanisms) {
    EXPECT_EQ(ImapCapabilities{server(config::kAuthLogin | config::kAuthCramMd5)}.normal(),
              "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=LOGIN AUTH=CRAM-MD5\r\n");
    EXPECT_EQ(ImapCapabilities{server(0)}.normal(), "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS\r\n");
    // APOP and NONE bits have no IMAP capability
    EXPECT_EQ(ImapCapabilities{server(config::kAuthApop | config::kAuthNone)}.normal(),
              "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS\r\n");
}

TEST(ImapCapabilities, CustomListKeepsOrder) {
    ImapCapabilities caps{server(config::kAuthPlain, {"IMAP4rev1", "IDLE", "SASL-IR", "ID"})};
    EXPECT_EQ(caps.normal(), "* CAPABILITY IMAP4rev1 IDLE SASL-IR ID AUTH=PLAIN\r\n");
}

TEST(ImapCapabilities, StartTlsOn) {
    ImapCapabilities caps{server(config::kAuthPlain | config::kAuthLogin, {"IMAP4", "IMAP4rev1", "UIDPLUS"},
                                 config::StartTls::On)};
    EXPECT_EQ(caps.line(false), "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN AUTH=LOGIN STARTTLS\r\n");
    EXPECT_EQ(caps.line(true), "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN AUTH=LOGIN\r\n");
}

TEST(ImapCapabilities, StartTlsOnlyDropsAuthItems) {
    ImapCapabilities caps{
        server(config::kAuthPlain | config::kAuthCramMd5, {"IMAP4rev1"}, config::StartTls::Only)};
    EXPECT_EQ(caps.line(false), "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n");
    EXPECT_EQ(caps.line(true), "* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=CRAM-MD5\r\n");
}

}  // namespace
}  // namespace mailwire::imap
