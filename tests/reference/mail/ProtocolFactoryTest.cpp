// ProtocolFactory: a server{}'s CAPABILITY/CAPA/EHLO lines are built once and shared, and a reload's new
// configuration never gets the old one's lines, even at the same address.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

#include "mail/ProtocolFactory.h"

namespace mailwire::mail {
namespace {

std::shared_ptr<const config::ServerConfig> imapServer(const std::string& capability) {
    auto server = std::make_shared<config::ServerConfig>();
    server->protocol = config::Protocol::Imap;
    server->serverName = "mx.example";
    server->imapCapabilities = {capability};
    return server;
}

// What the protocol answers to one command.
std::string answer(ClientProtocol& protocol, const std::string& command) {
    size_t room = 0;
    char* space = protocol.readSpace(room);
    if (room < command.size()) return "<no room>";
    std::memcpy(space, command.data(), command.size());
    protocol.commitRead(command.size());
    return protocol.step().output;
}

TEST(ProtocolFactory, SessionsOfOneServerAnswerAlike) {
    ProtocolFactory factory;
    auto server = imapServer("IMAP4rev1");
    auto first = factory.make(server);
    auto second = factory.make(server);
    EXPECT_EQ(answer(*first, "a CAPABILITY\r\n"), "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\na OK completed\r\n");
    EXPECT_EQ(answer(*second, "b CAPABILITY\r\n"), "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nb OK completed\r\n");
}

TEST(ProtocolFactory, AReloadedConfigurationGetsItsOwnLines) {
    ProtocolFactory factory;
    auto before = imapServer("IMAP4rev1");
    EXPECT_EQ(answer(*factory.make(before), "a CAPABILITY\r\n"),
              "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\na OK completed\r\n");
    before.reset();  // the old generation is gone; the allocator may hand its address to the next one
    for (int i = 0; i < 8; ++i) {
        auto after = imapServer("IMAP4rev2-" + std::to_string(i));
        EXPECT_EQ(answer(*factory.make(after), "a CAPABILITY\r\n"),
                  "* CAPABILITY IMAP4rev2-" + std::to_string(i) + " AUTH=PLAIN\r\na OK completed\r\n");
    }
}

TEST(ProtocolFactory, TwoLiveServersKeepTheirOwnLines) {
    ProtocolFactory factory;
    auto one = imapServer("ONE");
    auto two = imapServer("TWO");
    EXPECT_EQ(answer(*factory.make(one), "a CAPABILITY\r\n"),
              "* CAPABILITY ONE AUTH=PLAIN\r\na OK completed\r\n");
    EXPECT_EQ(answer(*factory.make(two), "a CAPABILITY\r\n"),
              "* CAPABILITY TWO AUTH=PLAIN\r\na OK completed\r\n");
    EXPECT_EQ(answer(*factory.make(one), "a CAPABILITY\r\n"),
              "* CAPABILITY ONE AUTH=PLAIN\r\na OK completed\r\n");
}

}  // namespace
}  // namespace mailwire::mail
