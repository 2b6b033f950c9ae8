#include "communigate_profile.h"

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

TEST(CommuniGatePop3Dialogue, RefusesTheCorrectPasswordAndWaitsForQuit) {
    StrictMock<MockDialogueActions> actions;
    CommuniGatePop3Dialogue dialogue;
    InSequence order;
    EXPECT_CALL(actions,
                send("+OK CommuniGatePro POP3 Server 6.3 ready <1.1700000000@mail.example.test>\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);  // idempotent while waiting
    dialogue.takeLine("USER alice\r\n");
    EXPECT_CALL(actions, send("+OK please send the PASS\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("PASS secret\r\n");
    EXPECT_CALL(actions, send("-ERR [IN-USE] account is temporarily locked: mailbox overflow\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);  // still open after the refusal
    dialogue.takeLine("quit\r\n");
    EXPECT_CALL(actions, send("+OK CommuniGatePro POP3 Server connection closed\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);
}

TEST(CommuniGatePop3Dialogue, AnyPasswordIsRefusedAndTheUserCanTryAgain) {
    StrictMock<MockDialogueActions> actions;
    CommuniGatePop3Dialogue dialogue;
    EXPECT_CALL(actions, send(CommuniGatePop3Dialogue::kGreeting));
    dialogue.run(actions);
    dialogue.takeLine("PASS early\r\n");
    dialogue.takeLine("USER\r\n");
    dialogue.takeLine("USER bob\r\n");
    dialogue.takeLine("PASS pass with spaces\r\n");
    dialogue.takeLine("PASS again\r\n");  // the refusal forgot USER
    dialogue.takeLine("STAT\r\n");
    dialogue.takeLine("CAPA\r\n");
    EXPECT_CALL(actions, send("-ERR please send the USER first\r\n"
                              "-ERR please specify the user name\r\n"
                              "+OK please send the PASS\r\n"
                              "-ERR [IN-USE] account is temporarily locked: mailbox overflow\r\n"
                              "-ERR please send the USER first\r\n"
                              "-ERR command not available before login\r\n"
                              "+OK capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nRESP-CODES\r\n"
                              "AUTH-RESP-CODE\r\n.\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
}

TEST(CommuniGatePop3Dialogue, LinesPipelinedAfterQuitAreNotAnsweredAndEofEndsIt) {
    StrictMock<MockDialogueActions> actions;
    CommuniGatePop3Dialogue dialogue;
    EXPECT_CALL(actions, send(_)).Times(2);
    dialogue.run(actions);
    dialogue.takeLine("QUIT\r\n");
    dialogue.takeLine("USER x\r\n");
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);

    CommuniGatePop3Dialogue ended;
    EXPECT_CALL(actions, send(_));
    ended.run(actions);
    ended.takeEof();
    EXPECT_EQ(ended.run(actions).kind, K::Done);
}

TEST(CommuniGateImapDialogue, AcceptsNginxLiteralsThenSaysNoAfterThePassword) {
    StrictMock<MockDialogueActions> actions;
    CommuniGateImapDialogue dialogue;
    InSequence order;
    EXPECT_CALL(actions, send("* OK CommuniGatePro IMAP Server 6.3 at mail.example.test ready\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("a1 LOGIN {5}\r\n");
    EXPECT_CALL(actions, send("+ ready for literal data\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("alice {6}\r\n");
    EXPECT_CALL(actions, send("+ ready for literal data\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("secret\r\n");
    EXPECT_CALL(actions, send("a1 NO [ALERT] mailbox overflow\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("a2 LOGIN alice \"quoted\"\r\n");
    EXPECT_CALL(actions, send("a2 NO [ALERT] mailbox overflow\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("a3 SELECT INBOX\r\n");
    EXPECT_CALL(actions, send("a3 BAD command not available before login\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("a4 capability\r\n");
    EXPECT_CALL(actions, send("* CAPABILITY IMAP4rev1 ID LITERAL+ AUTH=PLAIN AUTH=LOGIN\r\n"
                              "a4 OK CAPABILITY completed\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("a5 LOGOUT\r\n");
    EXPECT_CALL(actions,
                send("* BYE CommuniGatePro IMAP Server connection closed\r\na5 OK LOGOUT completed\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);
}

TEST(CommuniGateImapDialogue, EmptyAndTagOnlyLinesAreBad) {
    StrictMock<MockDialogueActions> actions;
    CommuniGateImapDialogue dialogue;
    EXPECT_CALL(actions, send(CommuniGateImapDialogue::kGreeting));
    dialogue.run(actions);
    dialogue.takeLine("\r\n");
    dialogue.takeLine("t1\r\n");
    dialogue.takeLine("t2 NOOP\r\n");
    EXPECT_CALL(actions,
                send("* BAD empty command line\r\nt1 BAD missing command\r\nt2 OK NOOP completed\r\n"));
    dialogue.run(actions);
}

TEST(CommuniGateSmtpDialogue, TakesXclientThenRefusesAuthPlain) {
    StrictMock<MockDialogueActions> actions;
    CommuniGateSmtpDialogue dialogue;
    InSequence order;
    EXPECT_CALL(actions, send("220 mail.example.test ESMTP CommuniGatePro 6.3 is glad to see you!\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("EHLO mail.example.com\r\n");
    EXPECT_CALL(actions, send("250-mail.example.test is glad to see you\r\n250-PIPELINING\r\n250-8BITMIME\r\n"
                              "250-SIZE 10485760\r\n250-AUTH LOGIN PLAIN\r\n250-XCLIENT ADDR LOGIN NAME\r\n"
                              "250 HELP\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("XCLIENT ADDR=127.0.0.1 NAME=[UNAVAILABLE]\r\n");
    EXPECT_CALL(actions, send(CommuniGateSmtpDialogue::kGreeting));
    dialogue.run(actions);
    dialogue.takeLine("EHLO client.example\r\n");
    EXPECT_CALL(actions, send(CommuniGateSmtpDialogue::kEhloReply));
    dialogue.run(actions);
    dialogue.takeLine("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
    EXPECT_CALL(actions, send("535 5.7.0 mailbox overflow\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("QUIT\r\n");
    EXPECT_CALL(actions, send("221 2.0.0 mail.example.test CommuniGatePro SMTP closing connection\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);
}

TEST(CommuniGateSmtpDialogue, PromptsForAuthWithoutInitialResponseAndRefusesRecipients) {
    StrictMock<MockDialogueActions> actions;
    CommuniGateSmtpDialogue dialogue;
    InSequence order;
    EXPECT_CALL(actions, send(CommuniGateSmtpDialogue::kGreeting));
    dialogue.run(actions);
    dialogue.takeLine("AUTH LOGIN\r\n");
    EXPECT_CALL(actions, send("334 VXNlcm5hbWU6\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("YWxpY2U=\r\n");
    EXPECT_CALL(actions, send("334 UGFzc3dvcmQ6\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("c2VjcmV0\r\n");
    EXPECT_CALL(actions, send("535 5.7.0 mailbox overflow\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("AUTH PLAIN\r\n");
    dialogue.takeLine("*\r\n");
    dialogue.takeLine("AUTH CRAM-MD5\r\n");
    EXPECT_CALL(actions, send("334 \r\n501 5.0.0 authentication cancelled\r\n"
                              "504 5.5.4 unsupported authentication mechanism\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("MAIL FROM:<a@b>\r\n");
    dialogue.takeLine("RCPT TO:<alice@example.test>\r\n");
    dialogue.takeLine("DATA\r\n");
    dialogue.takeLine("VRFY x\r\n");
    EXPECT_CALL(actions, send("250 2.1.0 sender accepted\r\n452 4.2.2 mailbox overflow\r\n"
                              "554 5.5.1 no valid recipients\r\n500 5.5.1 unknown command\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
}

TEST(CommuniGateDialogues, RandomLinesNeverCrash) {
    std::mt19937 random(31337);
    for (int round = 0; round < 100; ++round) {
        NiceMock<MockDialogueActions> actions;
        CommuniGatePop3Dialogue pop3;
        CommuniGateImapDialogue imap;
        CommuniGateSmtpDialogue smtp;
        BackendDialogue* dialogues[] = {&pop3, &imap, &smtp};
        for (BackendDialogue* dialogue : dialogues) {
            dialogue->run(actions);
            for (int line = 0; line < 30; ++line) {
                std::string bytes(random() % 40, '\0');
                for (char& c : bytes) c = static_cast<char>(random() % 256);
                dialogue->takeLine(bytes + "\n");
                K kind = dialogue->run(actions).kind;
                ASSERT_TRUE(kind == K::Line || kind == K::Close);
                if (kind == K::Close) break;
            }
        }
    }
}

}  // namespace
}  // namespace mailwire::fake
