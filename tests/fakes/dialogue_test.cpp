#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth_responder.h"
#include "imap_default_dialogue.h"
#include "mock_dialogue_actions.h"
#include "scripted_dialogue.h"

namespace mailwire::fake {
namespace {

using ::testing::InSequence;
using ::testing::StrictMock;
using K = DialogueNeed::Kind;

TEST(ScriptedDialogue, SendsUntilItNeedsALineThenMovesOn) {
    StrictMock<MockDialogueActions> actions;
    ScriptedDialogue dialogue({{MailStep::Kind::Send, "* OK\r\n"},
                               {MailStep::Kind::Expect, "a1 LOGIN"},
                               {MailStep::Kind::Wait, "", 30},
                               {MailStep::Kind::Send, "a1 OK\r\n"},
                               {MailStep::Kind::Close, ""}});
    EXPECT_CALL(actions, send("* OK\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);  // idempotent while waiting
    dialogue.takeLine("anything\r\n");
    DialogueNeed need = dialogue.run(actions);
    EXPECT_EQ(need.kind, K::Timer);
    EXPECT_EQ(need.ms, 30);
    dialogue.timerFired();
    EXPECT_CALL(actions, send("a1 OK\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);
    EXPECT_EQ(dialogue.run(actions).kind, K::Done);
}

TEST(ScriptedDialogue, EofWhereALineIsExpectedEndsTheScript) {
    StrictMock<MockDialogueActions> actions;
    ScriptedDialogue dialogue({{MailStep::Kind::Expect, "x"}, {MailStep::Kind::Send, "never\r\n"}});
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeEof();
    EXPECT_EQ(dialogue.run(actions).kind, K::Done);
}

TEST(ScriptedDialogue, ExpectEofReadsLinesUntilEofThenContinues) {
    StrictMock<MockDialogueActions> actions;
    ScriptedDialogue dialogue({{MailStep::Kind::ExpectEof, ""}, {MailStep::Kind::Close, ""}});
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("a\r\n");
    dialogue.takeLine("b\r\n");
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeEof();
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);
}

TEST(ScriptedDialogue, ASplitSendWritesPiecesWithTimersBetween) {
    StrictMock<MockDialogueActions> actions;
    MailStep split{MailStep::Kind::Send, "abcde"};
    split.split.sizes = {2};
    split.split.gapMs = 15;
    MailStep perByte{MailStep::Kind::Send, "xy"};
    perByte.split.perByte = true;
    ScriptedDialogue dialogue({split, perByte, {MailStep::Kind::Close, ""}});
    InSequence order;
    EXPECT_CALL(actions, sendPiece("ab"));
    DialogueNeed need = dialogue.run(actions);
    EXPECT_EQ(need.kind, K::Timer);
    EXPECT_EQ(need.ms, 15);
    dialogue.timerFired();
    // The last piece of a step needs no gap after it; without a gap the pieces go out back to back.
    EXPECT_CALL(actions, sendPiece("cde"));
    EXPECT_CALL(actions, sendPiece("x"));
    EXPECT_CALL(actions, sendPiece("y"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);
}

TEST(ScriptedDialogue, ResetStallAndHalfClose) {
    StrictMock<MockDialogueActions> actions;
    ScriptedDialogue dialogue({{MailStep::Kind::HalfClose, ""},
                               {MailStep::Kind::Expect, "x"},
                               {MailStep::Kind::Reset, ""},
                               {MailStep::Kind::Stall, ""}});
    EXPECT_CALL(actions, halfClose());
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("x\r\n");
    EXPECT_EQ(dialogue.run(actions).kind, K::Reset);
    EXPECT_EQ(dialogue.run(actions).kind, K::Stall);
}

TEST(ImapDefaultDialogue, LogsInNginxStyleWithLiteralsAndSaysByeToLogout) {
    StrictMock<MockDialogueActions> actions;
    ImapDefaultDialogue dialogue;
    InSequence order;
    EXPECT_CALL(actions, send("* OK mailwire-fake IMAP ready\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("d1 LOGIN {4}\r\n");
    EXPECT_CALL(actions, send("+ OK\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("good {6}\r\n");
    EXPECT_CALL(actions, send("+ OK\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("se\n");  // literal bytes may hold LF: "se\ncre" is the 6-byte literal
    dialogue.takeLine("cre\r\n");
    EXPECT_CALL(actions, send("d1 OK LOGIN completed\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("d2 select INBOX\r\n");
    EXPECT_CALL(actions, send("d2 OK SELECT completed\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("d3 APPEND x {3+}\r\n");  // non-synchronising: no continuation request
    dialogue.takeLine("abc\r\n");
    EXPECT_CALL(actions, send("d3 OK APPEND completed\r\n"));
    dialogue.run(actions);
    dialogue.takeLine("d4 LOGOUT\r\n");
    EXPECT_CALL(actions, send("* BYE mailwire-fake logging out\r\nd4 OK LOGOUT completed\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);
}

TEST(ImapDefaultDialogue, EofEndsIt) {
    StrictMock<MockDialogueActions> actions;
    ImapDefaultDialogue dialogue;
    EXPECT_CALL(actions, send(::testing::_));
    dialogue.run(actions);
    dialogue.takeEof();
    EXPECT_EQ(dialogue.run(actions).kind, K::Done);
}

TEST(DefaultAuthResponder, GoodUserOrSecretPasswordGoesToTheBackend) {
    DefaultAuthResponder responder("127.0.0.1:20143");
    const std::string ok =
        "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\nAuth-Server: 127.0.0.1\r\nAuth-Port: 20143\r\n\r\n";
    EXPECT_EQ(responder.reply(1, "GET /auth HTTP/1.0\r\nAuth-User: good\r\nAuth-Pass: x\r\n\r\n").response,
              ok);
    EXPECT_EQ(responder.reply(2, "GET /auth HTTP/1.0\nAuth-User: a%20b\nAuth-Pass: secret\n\n").response, ok);
}

TEST(DefaultAuthResponder, OthersAreRefusedWithAuthWait) {
    DefaultAuthResponder responder("[::1]:1143");
    const std::string refused =
        "HTTP/1.0 200 OK\r\nAuth-Status: Invalid login or password\r\nAuth-Wait: 1\r\n\r\n";
    EXPECT_EQ(
        responder.reply(1, "GET /auth HTTP/1.0\r\nAuth-User: bad\r\nAuth-Pass: secret2\r\n\r\n").response,
        refused);
    EXPECT_EQ(responder.reply(2, "garbage\x01\r\n\r\n").response, refused);
}

TEST(DefaultAuthResponder, RejectsABackendThatIsNotHostPort) {
    EXPECT_THROW(DefaultAuthResponder("nohost"), std::invalid_argument);
}

}  // namespace
}  // namespace mailwire::fake
