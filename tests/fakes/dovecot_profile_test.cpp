#include "dovecot_profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <utility>
#include <vector>

#include "mock_dialogue_actions.h"

namespace mailwire::fake {
namespace {

using ::testing::_;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::NiceMock;
using ::testing::StartsWith;
using ::testing::StrictMock;
using K = DialogueNeed::Kind;

const std::string kMessage =
    "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: mailwire-fake test message\r\n\r\n"
    "Hello from the Dovecot profile.\r\n";

TEST(DovecotMailbox, SizeIsTheMessagesByteCount) {
    EXPECT_EQ(DovecotMailbox::messageSize(), std::to_string(kMessage.size()));
}

TEST(DovecotImapDialogue, LogsInWithOneTaggedLineThenSelectsFetchesAndLogsOut) {
    StrictMock<MockDialogueActions> actions;
    DovecotImapDialogue dialogue;
    InSequence order;
    EXPECT_CALL(actions, send("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ "
                              "AUTH=PLAIN] Dovecot ready.\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("a1 LOGIN {5}\r\n");
    EXPECT_CALL(actions, send("+ OK\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("alice {6}\r\n");
    EXPECT_CALL(actions, send("+ OK\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("secret\r\n");
    // One line, no untagged CAPABILITY before it: nginx before 1.27.3 accepts nothing else.
    EXPECT_CALL(actions, send(std::string("a1 OK [CAPABILITY ") + DovecotImapDialogue::kCapability +
                              "] Logged in\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("a2 SELECT INBOX\r\n");
    EXPECT_CALL(
        actions,
        send("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
             "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.\r\n"
             "* 1 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1700000000] UIDs valid\r\n"
             "* OK [UIDNEXT 2] Predicted next UID\r\n"
             "a2 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("a3 FETCH 1 BODY[]\r\n");
    const std::string size = std::to_string(kMessage.size());
    EXPECT_CALL(actions, send("* 1 FETCH (UID 1 RFC822.SIZE " + size + " FLAGS (\\Seen) BODY[] {" + size +
                              "}\r\n" + kMessage + ")\r\na3 OK Fetch completed (0.001 + 0.000 secs).\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("a4 uid fetch 1:* (FLAGS)\r\n");
    EXPECT_CALL(actions, send(HasSubstr("a4 OK Fetch completed")));
    dialogue.run(actions);
    dialogue.takeLine("a5 LOGOUT\r\n");
    EXPECT_CALL(actions, send("* BYE Logging out\r\na5 OK Logout completed (0.001 + 0.000 secs).\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);
}

TEST(DovecotImapDialogue, KnowsTheLoginStateApartFromTheMailboxState) {
    StrictMock<MockDialogueActions> actions;
    DovecotImapDialogue dialogue;
    InSequence order;
    EXPECT_CALL(actions, send(DovecotImapDialogue::kGreeting));
    dialogue.run(actions);
    dialogue.takeLine("b1 SELECT INBOX\r\n");
    dialogue.takeLine("b2 CAPABILITY\r\n");
    EXPECT_CALL(actions,
                send(std::string("b1 BAD Error in IMAP command SELECT: Unknown command.\r\n"
                                 "* CAPABILITY ") +
                     DovecotImapDialogue::kPreLoginCapability +
                     "\r\nb2 OK Pre-login capabilities listed, post-login capabilities have more.\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("b3 LOGIN {3+}\r\n");  // non-synchronising literals: no continuation
    dialogue.takeLine("bob {2+}\r\n");
    dialogue.takeLine("pw\r\n");
    EXPECT_CALL(actions, send(StartsWith("b3 OK [CAPABILITY IMAP4rev1 ")));
    dialogue.run(actions);
    dialogue.takeLine("b4 FETCH 1 FLAGS\r\n");
    dialogue.takeLine("b5 LIST \"\" *\r\n");
    dialogue.takeLine("b6 EXAMINE INBOX\r\n");
    dialogue.takeLine("b7 CLOSE\r\n");
    dialogue.takeLine("b8 XYZZY\r\n");
    EXPECT_CALL(actions, send(AllOf(StartsWith("b4 BAD No mailbox selected (0.001 + 0.000 secs).\r\n"
                                               "* LIST (\\HasNoChildren) \".\" INBOX\r\n"
                                               "b5 OK List completed (0.001 + 0.000 secs).\r\n"),
                                    HasSubstr("b6 OK [READ-ONLY] Examine completed"),
                                    HasSubstr("b7 OK Close completed (0.001 + 0.000 secs).\r\n"
                                              "b8 BAD Error in IMAP command XYZZY: Unknown command"))));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
}

TEST(DovecotPop3Dialogue, LogsInThenServesTheOneMessage) {
    StrictMock<MockDialogueActions> actions;
    DovecotPop3Dialogue dialogue;
    InSequence order;
    const std::string size = std::to_string(kMessage.size());
    EXPECT_CALL(actions, send("+OK Dovecot ready.\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("USER alice\r\n");
    EXPECT_CALL(actions, send("+OK\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("PASS secret\r\n");
    EXPECT_CALL(actions, send("+OK Logged in.\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("STAT\r\n");
    EXPECT_CALL(actions, send("+OK 1 " + size + "\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("LIST\r\n");
    EXPECT_CALL(actions, send("+OK 1 messages:\r\n1 " + size + "\r\n.\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("RETR 1\r\n");
    EXPECT_CALL(actions, send("+OK " + size + " octets\r\n" + kMessage + ".\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("QUIT\r\n");
    EXPECT_CALL(actions, send("+OK Logging out.\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);
}

TEST(DovecotPop3Dialogue, AnswersOtherCommandsLikeDovecot) {
    StrictMock<MockDialogueActions> actions;
    DovecotPop3Dialogue dialogue;
    EXPECT_CALL(actions, send(DovecotPop3Dialogue::kGreeting));
    dialogue.run(actions);
    dialogue.takeLine("STAT\r\n");
    dialogue.takeLine("PASS x\r\n");
    dialogue.takeLine("USER\r\n");
    dialogue.takeLine("CAPA\r\n");
    EXPECT_CALL(actions,
                send("-ERR Unknown command.\r\n-ERR No username given.\r\n-ERR No username given.\r\n"
                     "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nUSER\r\n"
                     "SASL PLAIN\r\n.\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("USER a\r\n");
    dialogue.takeLine("PASS b\r\n");
    dialogue.takeLine("LIST 1\r\n");
    dialogue.takeLine("LIST 2\r\n");
    dialogue.takeLine("UIDL\r\n");
    dialogue.takeLine("UIDL 1\r\n");
    dialogue.takeLine("RETR 9\r\n");
    dialogue.takeLine("DELE 1\r\n");
    dialogue.takeLine("NOOP\r\n");
    dialogue.takeLine("RSET\r\n");
    dialogue.takeLine("XTND XMIT\r\n");
    const std::string size = std::to_string(kMessage.size());
    EXPECT_CALL(actions, send("+OK\r\n+OK Logged in.\r\n+OK 1 " + size +
                              "\r\n-ERR There's no message 2.\r\n+OK\r\n1 00000001\r\n.\r\n+OK 1 00000001\r\n"
                              "-ERR There's no message 9.\r\n+OK Marked to be deleted.\r\n+OK\r\n+OK\r\n"
                              "-ERR Unknown command: XTND\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
}

// As Dovecot 2.3.19 answers (harness/real): TOP gives the header, the blank line and the first N body lines;
// after the login, CAPA no longer lists USER and SASL.
TEST(DovecotPop3Dialogue, AnswersTopAndCapaAfterLoginLikeDovecot) {
    StrictMock<MockDialogueActions> actions;
    DovecotPop3Dialogue dialogue;
    EXPECT_CALL(actions, send(DovecotPop3Dialogue::kGreeting));
    dialogue.run(actions);
    dialogue.takeLine("USER a\r\n");
    dialogue.takeLine("PASS b\r\n");
    dialogue.takeLine("TOP 1 0\r\n");
    dialogue.takeLine("TOP 1 1\r\n");
    dialogue.takeLine("TOP 1 99999999999999999999\r\n");
    dialogue.takeLine("TOP 2 0\r\n");
    dialogue.takeLine("TOP 1 x\r\n");
    dialogue.takeLine("CAPA\r\n");
    const std::string header = kMessage.substr(0, kMessage.find("\r\n\r\n") + 4);
    EXPECT_CALL(actions,
                send("+OK\r\n+OK Logged in.\r\n+OK\r\n" + header + ".\r\n+OK\r\n" + kMessage +
                     ".\r\n+OK\r\n" + kMessage +
                     ".\r\n-ERR There's no message 2.\r\n-ERR Invalid size: x\r\n"
                     "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\n.\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
}

TEST(DovecotPop3Dialogue, QuitBeforeLoginAndEof) {
    StrictMock<MockDialogueActions> actions;
    DovecotPop3Dialogue dialogue;
    EXPECT_CALL(actions, send(DovecotPop3Dialogue::kGreeting));
    dialogue.run(actions);
    dialogue.takeLine("QUIT\r\n");
    dialogue.takeLine("STAT\r\n");  // pipelined after QUIT: never answered
    EXPECT_CALL(actions, send("+OK Logging out\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);

    DovecotImapDialogue imap;
    EXPECT_CALL(actions, send(_));
    imap.run(actions);
    imap.takeEof();
    EXPECT_EQ(imap.run(actions).kind, K::Done);
}

TEST(DovecotDialogues, RandomLinesNeverCrash) {
    std::mt19937 random(4242);
    for (int round = 0; round < 100; ++round) {
        NiceMock<MockDialogueActions> actions;
        DovecotPop3Dialogue pop3;
        DovecotImapDialogue imap;
        // Logged in (and, for IMAP, with INBOX selected) half of the time.
        const bool logIn = round % 2 == 0;
        const std::pair<BackendDialogue*, std::vector<std::string>> dialogues[] = {
            {&pop3, {"USER a\r\n", "PASS b\r\n"}}, {&imap, {"a1 LOGIN a b\r\n", "a2 SELECT INBOX\r\n"}}};
        for (const auto& [dialogue, login] : dialogues) {
            dialogue->run(actions);
            if (logIn)
                for (const auto& line : login) dialogue->takeLine(line);
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
