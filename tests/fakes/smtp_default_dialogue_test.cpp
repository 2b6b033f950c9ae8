#include "smtp_default_dialogue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "mock_dialogue_actions.h"

namespace mailwire::fake {
namespace {

using ::testing::_;
using ::testing::InSequence;
using ::testing::NiceMock;
using ::testing::StrictMock;
using K = DialogueNeed::Kind;

TEST(SmtpDefaultDialogue, AcceptsNginxLoginSequenceAMessageAndQuit) {
    StrictMock<MockDialogueActions> actions;
    SmtpDefaultDialogue dialogue;
    InSequence order;
    EXPECT_CALL(actions, send("220 mailwire-fake ESMTP ready\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("EHLO mx.example.test\r\n");
    EXPECT_CALL(actions, send("250-mailwire-fake\r\n250-PIPELINING\r\n250-8BITMIME\r\n"
                              "250-XCLIENT ADDR LOGIN NAME\r\n250 AUTH PLAIN LOGIN\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("XCLIENT ADDR=127.0.0.1 LOGIN=good NAME=[UNAVAILABLE]\r\n");
    EXPECT_CALL(actions, send("220 mailwire-fake ESMTP ready\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("helo client.example\n");
    EXPECT_CALL(actions, send("250 mailwire-fake\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("AUTH PLAIN AGdvb2QAcHc=\r\n");
    EXPECT_CALL(actions, send("235 2.7.0 Authentication successful\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("MAIL FROM:<a@b>\r\n");
    EXPECT_CALL(actions, send("250 2.0.0 OK\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("RCPT TO:<c@d>\r\n");
    EXPECT_CALL(actions, send("250 2.1.5 OK\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("DATA\r\n");
    EXPECT_CALL(actions, send("354 End data with <CR><LF>.<CR><LF>\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("Subject: QUIT\r\n");  // message text is not a command
    dialogue.takeLine("..\r\n");
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine(".\r\n");
    EXPECT_CALL(actions, send("250 2.0.0 OK queued\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("RSET\r\n");
    dialogue.takeLine("NOOP\r\n");
    dialogue.takeLine("VRFY x\r\n");
    EXPECT_CALL(actions, send("250 2.0.0 OK\r\n250 2.0.0 OK\r\n502 5.5.2 Command not recognized\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("QUIT\r\n");
    EXPECT_CALL(actions, send("221 2.0.0 Bye\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);
}

TEST(SmtpDefaultDialogue, EofEndsIt) {
    StrictMock<MockDialogueActions> actions;
    SmtpDefaultDialogue dialogue;
    EXPECT_CALL(actions, send(_));
    dialogue.run(actions);
    dialogue.takeEof();
    EXPECT_EQ(dialogue.run(actions).kind, K::Done);
}

TEST(SmtpDefaultDialogue, RandomLinesNeverCrash) {
    NiceMock<MockDialogueActions> actions;
    SmtpDefaultDialogue dialogue;
    std::mt19937 random(7);
    for (int i = 0; i < 2000; ++i) {
        std::string line(random() % 40, '\0');
        for (char& c : line) c = static_cast<char>(random() % 256);
        dialogue.takeLine(line);
        if (dialogue.run(actions).kind == K::Close) break;
    }
}

}  // namespace
}  // namespace mailwire::fake
