#include "postfix_profile.h"

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

TEST(PostfixSmtpDialogue, AnswersNginxXclientLoginLikePostfixThenTakesAMessage) {
    StrictMock<MockDialogueActions> actions;
    PostfixSmtpDialogue dialogue;
    InSequence order;
    EXPECT_CALL(actions, send("220 mail.example.test ESMTP Postfix\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("EHLO mail.example.com\r\n");
    EXPECT_CALL(actions, send("250-mail.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n"
                              "250-ETRN\r\n250-AUTH PLAIN LOGIN\r\n"
                              "250-XCLIENT NAME ADDR PROTO HELO REVERSE_NAME PORT LOGIN DESTADDR DESTPORT\r\n"
                              "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250 CHUNKING\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("XCLIENT ADDR=127.0.0.1 LOGIN=alice NAME=[UNAVAILABLE]\r\n");
    EXPECT_CALL(actions, send("220 mail.example.test ESMTP Postfix\r\n"));  // a new greeting, as Postfix does
    dialogue.run(actions);
    dialogue.takeLine("EHLO client.example\r\n");
    EXPECT_CALL(actions, send(PostfixSmtpDialogue::kEhloReply));
    dialogue.run(actions);
    dialogue.takeLine("MAIL FROM:<alice@example.test>\r\n");
    EXPECT_CALL(actions, send("250 2.1.0 Ok\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("RCPT TO:<bob@example.test>\r\n");
    EXPECT_CALL(actions, send("250 2.1.5 Ok\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("DATA\r\n");
    EXPECT_CALL(actions, send("354 End data with <CR><LF>.<CR><LF>\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("Subject: QUIT\r\n");  // message text is not a command
    dialogue.takeLine("..\r\n");
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine(".\r\n");
    EXPECT_CALL(actions, send("250 2.0.0 Ok: queued as 4F1A2B3C1\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("QUIT\r\n");
    EXPECT_CALL(actions, send("221 2.0.0 Bye\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);
}

TEST(PostfixSmtpDialogue, KeepsTheTransactionInOrder) {
    StrictMock<MockDialogueActions> actions;
    PostfixSmtpDialogue dialogue;
    EXPECT_CALL(actions, send(PostfixSmtpDialogue::kGreeting));
    dialogue.run(actions);
    dialogue.takeLine("HELO client\r\n");
    dialogue.takeLine("RCPT TO:<b@c>\r\n");
    dialogue.takeLine("DATA\r\n");
    dialogue.takeLine("MAIL FROM:<a@b>\r\n");
    dialogue.takeLine("MAIL FROM:<a@b>\r\n");
    dialogue.takeLine("DATA\r\n");
    dialogue.takeLine("RSET\r\n");
    dialogue.takeLine("RCPT TO:<b@c>\r\n");
    dialogue.takeLine("NOOP\r\n");
    dialogue.takeLine("STARTTLS\r\n");
    dialogue.takeLine("FOO\r\n");
    EXPECT_CALL(actions, send("250 mail.example.test\r\n"
                              "503 5.5.1 Error: need MAIL command\r\n"
                              "503 5.5.1 Error: need RCPT command\r\n"
                              "250 2.1.0 Ok\r\n"
                              "503 5.5.1 Error: nested MAIL command\r\n"
                              "503 5.5.1 Error: need RCPT command\r\n"
                              "250 2.0.0 Ok\r\n"
                              "503 5.5.1 Error: need MAIL command\r\n"
                              "250 2.0.0 Ok\r\n"
                              "502 5.5.1 Error: command not implemented\r\n"
                              "500 5.5.2 Error: command not recognized\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
}

TEST(PostfixSmtpDialogue, AcceptsAuthWithOrWithoutInitialResponse) {
    StrictMock<MockDialogueActions> actions;
    PostfixSmtpDialogue dialogue;
    EXPECT_CALL(actions, send(PostfixSmtpDialogue::kGreeting));
    dialogue.run(actions);
    dialogue.takeLine("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
    dialogue.takeLine("AUTH PLAIN\r\n");
    dialogue.takeLine("AGFsaWNlAHNlY3JldA==\r\n");
    dialogue.takeLine("AUTH LOGIN YWxpY2U=\r\n");
    dialogue.takeLine("*\r\n");
    dialogue.takeLine("AUTH GSSAPI\r\n");
    EXPECT_CALL(actions,
                send("235 2.7.0 Authentication successful\r\n334 \r\n"
                     "235 2.7.0 Authentication successful\r\n334 UGFzc3dvcmQ6\r\n"
                     "501 5.7.0 Authentication aborted\r\n"
                     "535 5.7.8 Error: authentication failed: Invalid authentication mechanism\r\n"));
    dialogue.run(actions);
}

TEST(PostfixSmtpDialogue, EofEndsIt) {
    StrictMock<MockDialogueActions> actions;
    PostfixSmtpDialogue dialogue;
    EXPECT_CALL(actions, send(_));
    dialogue.run(actions);
    dialogue.takeEof();
    EXPECT_EQ(dialogue.run(actions).kind, K::Done);
}

TEST(PostfixSmtpDialogue, RandomLinesNeverCrash) {
    NiceMock<MockDialogueActions> actions;
    PostfixSmtpDialogue dialogue;
    std::mt19937 random(11);
    dialogue.run(actions);
    for (int i = 0; i < 2000; ++i) {
        std::string line(random() % 40, '\0');
        for (char& c : line) c = static_cast<char>(random() % 256);
        dialogue.takeLine(line);
        if (dialogue.run(actions).kind == K::Close) break;
    }
}

}  // namespace
}  // namespace mailwire::fake
