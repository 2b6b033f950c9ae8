#include "pop3_default_dialogue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "backend_protocol.h"
#include "mock_dialogue_actions.h"

namespace mailwire::fake {
namespace {

using ::testing::_;
using ::testing::InSequence;
using ::testing::NiceMock;
using ::testing::StrictMock;
using K = DialogueNeed::Kind;

TEST(Pop3DefaultDialogue, LogsInNginxStyleAnswersEverythingAndClosesAfterQuit) {
    StrictMock<MockDialogueActions> actions;
    Pop3DefaultDialogue dialogue;
    InSequence order;
    EXPECT_CALL(actions, send("+OK mailwire-fake POP3 ready\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);  // idempotent while waiting
    dialogue.takeLine("USER good\r\n");
    EXPECT_CALL(actions, send("+OK\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("PASS my pass \r\n");
    EXPECT_CALL(actions, send("+OK\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("STAT\n");
    EXPECT_CALL(actions, send("+OK\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    dialogue.takeLine("quit\r\n");
    EXPECT_CALL(actions, send("+OK\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);
}

TEST(Pop3DefaultDialogue, LinesPipelinedAfterQuitAreNotAnswered) {
    StrictMock<MockDialogueActions> actions;
    Pop3DefaultDialogue dialogue;
    EXPECT_CALL(actions, send(Pop3DefaultDialogue::kGreeting));
    dialogue.run(actions);
    dialogue.takeLine("QUIT\r\n");
    dialogue.takeLine("NOOP\r\n");
    EXPECT_CALL(actions, send("+OK\r\n"));
    EXPECT_EQ(dialogue.run(actions).kind, K::Close);
}

TEST(Pop3DefaultDialogue, EofEndsIt) {
    StrictMock<MockDialogueActions> actions;
    Pop3DefaultDialogue dialogue;
    EXPECT_CALL(actions, send(_));
    dialogue.run(actions);
    dialogue.takeEof();
    EXPECT_EQ(dialogue.run(actions).kind, K::Done);
}

TEST(Pop3DefaultDialogue, IsTheDefaultForThePop3Subcommand) {
    const BackendProtocol* protocol = findBackendProtocol("pop3");
    ASSERT_NE(protocol, nullptr);
    StrictMock<MockDialogueActions> actions;
    EXPECT_CALL(actions, send("+OK mailwire-fake POP3 ready\r\n"));
    protocol->defaultDialogue()->run(actions);
}

TEST(Pop3DefaultDialogue, RandomLinesNeverCrashAndAlwaysGetOneReplyUntilQuit) {
    std::mt19937 random(20261122);
    for (int round = 0; round < 200; ++round) {
        NiceMock<MockDialogueActions> actions;
        Pop3DefaultDialogue dialogue;
        dialogue.run(actions);
        for (int line = 0; line < 20; ++line) {
            std::string bytes(random() % 40, '\0');
            for (char& c : bytes) c = static_cast<char>(random() % 256);
            dialogue.takeLine(bytes + "\n");
            K kind = dialogue.run(actions).kind;
            ASSERT_TRUE(kind == K::Line || kind == K::Close);
            if (kind == K::Close) break;
        }
    }
}

}  // namespace
}  // namespace mailwire::fake
