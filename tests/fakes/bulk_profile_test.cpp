#include "bulk_profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_dialogue_actions.h"
#include "running_fake.h"

namespace mailwire::fake {
namespace {

using ::testing::_;
using ::testing::NiceMock;
using ::testing::SaveArg;
using K = DialogueNeed::Kind;

// Everything the dialogue sends in reply to `line`, after the greeting (the repeated bytes built by
// DialogueActions' default sendRepeated(), as a session that records a transcript does).
template <typename Dialogue>
std::string replyTo(Dialogue& dialogue, const std::string& line) {
    NiceMock<MockDialogueActions> actions;
    std::string sent;
    dialogue.run(actions);  // the greeting
    dialogue.takeLine(line);
    EXPECT_CALL(actions, send(_)).WillRepeatedly([&sent](const std::string& bytes) { sent += bytes; });
    EXPECT_EQ(dialogue.run(actions).kind, K::Line);
    return sent;
}

// A DialogueActions that records the repeated write instead of building it, as a streaming session does.
class StreamingActions : public MockDialogueActions {
  public:
    void sendRepeated(const std::string& pattern, std::uint64_t bytes) override {
        sent += "<" + std::to_string(bytes) + " x " + std::to_string(pattern.size()) + ">";
    }
    std::string sent;
};

TEST(BulkMessage, HasExactlyTheSizeAskedInCrlfLines) {
    for (std::uint64_t bytes : {2ull, 3ull, 79ull, 80ull, 81ull, 161ull, 100000ull}) {
        const std::string text = BulkMessage::text(bytes);
        ASSERT_EQ(text.size(), bytes);
        EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
        EXPECT_EQ(text.find('.'), std::string::npos);  // nothing for POP3 to dot-stuff
    }
    EXPECT_EQ(BulkMessage::text(160).substr(0, 80), std::string(78, 'x') + "\r\n");
}

TEST(BulkImapDialogue, FetchOfAPartialBodySendsALiteralOfThatSize) {
    BulkImapDialogue dialogue;
    const std::string reply = replyTo(dialogue, "b1 FETCH 1 BODY[]<0.1000>\r\n");
    const std::string head = "* 1 FETCH (BODY[]<0> {1000}\r\n";
    const std::string tail = ")\r\nb1 OK FETCH completed\r\n";
    ASSERT_EQ(reply.size(), head.size() + 1000 + tail.size());
    EXPECT_EQ(reply.substr(0, head.size()), head);
    EXPECT_EQ(reply.substr(head.size(), 1000), BulkMessage::text(1000));
    EXPECT_EQ(reply.substr(head.size() + 1000), tail);
}

TEST(BulkImapDialogue, OtherCommandsAndOutOfRangeSizesGetTheDefaultReply) {
    BulkImapDialogue dialogue;
    EXPECT_EQ(replyTo(dialogue, "a1 LOGIN user pass\r\n"), "a1 OK LOGIN completed\r\n");
    BulkImapDialogue tooBig;
    EXPECT_EQ(replyTo(tooBig, "b2 FETCH 1 BODY.PEEK[]<0.99999999999>\r\n"), "b2 OK FETCH completed\r\n");
}

TEST(BulkImapDialogue, AFetchInsideALiteralIsLiteralData) {
    NiceMock<MockDialogueActions> actions;
    BulkImapDialogue dialogue;
    dialogue.run(actions);
    dialogue.takeLine("c1 APPEND INBOX {28+}\r\n");
    dialogue.takeLine("c2 FETCH 1 BODY[]<0.1000>\r\n");  // 27 of the literal's 28 bytes, not a command
    std::string sent;
    EXPECT_CALL(actions, send(_)).WillOnce(SaveArg<0>(&sent));
    dialogue.takeLine("x\r\n");  // its last byte, then the APPEND's end
    dialogue.run(actions);
    EXPECT_EQ(sent, "c1 OK APPEND completed\r\n");
}

TEST(BulkPop3Dialogue, TheMessageIsStreamedAsOneRepeatedWriteBetweenTheReplyAndTheDotLine) {
    NiceMock<StreamingActions> actions;
    EXPECT_CALL(actions, send(_)).WillRepeatedly([&actions](const std::string& bytes) {
        actions.sent += bytes;
    });
    BulkPop3Dialogue dialogue;
    dialogue.run(actions);
    actions.sent.clear();
    dialogue.takeLine("RETR 200000000\r\n");
    dialogue.run(actions);
    EXPECT_EQ(actions.sent, "+OK 200000000 octets\r\n<199999998 x 80>\r\n.\r\n");
}

TEST(BulkPop3Dialogue, RetrOfASizeSendsThatManyBytesThenTheDotLine) {
    BulkPop3Dialogue dialogue;
    const std::string reply = replyTo(dialogue, "RETR 500\r\n");
    EXPECT_EQ(reply, "+OK 500 octets\r\n" + BulkMessage::text(500) + ".\r\n");
    BulkPop3Dialogue other;
    EXPECT_EQ(replyTo(other, "USER bob\r\n"), "+OK\r\n");
}

// A real FakeServer: without a transcript the message is streamed by the socket (writeRepeated), with one it
// is built and recorded; either way the bytes, and the order of the replies around them, are the same.
TEST(BulkProfileE2E, ALargeDownloadArrivesWholeAndInOrderStreamedOrRecorded) {
    const std::uint64_t bytes = 3000001;
    const std::string expected =
        "+OK " + std::to_string(bytes) + " octets\r\n" + BulkMessage::text(bytes) + ".\r\n+OK\r\n";
    for (bool recorded : {false, true}) {
        FakeOptions options;
        options.protocol = "pop3";
        options.profile = "bulk";
        options.listen = {"127.0.0.1:0"};
        std::ostringstream out;
        auto transcript = recorded ? std::make_unique<Transcript>(out, Transcript::Clock::now())
                                   : Transcript::discarding(Transcript::Clock::now());
        FakeServer server(options, std::move(transcript));
        std::thread thread([&server] { server.run(); });
        {
            e2e::Client client(server.ports().front());
            EXPECT_EQ(client.readLine(), "+OK mailwire-fake POP3 ready\r\n");
            client.send("RETR " + std::to_string(bytes) + "\r\nQUIT\r\n");  // QUIT's reply waits for the body
            const std::string all = client.readUntilEof();
            EXPECT_EQ(all.size(), expected.size()) << "recorded: " << recorded;
            EXPECT_TRUE(all == expected) << "recorded: " << recorded;
        }
        server.requestStop();
        thread.join();
        EXPECT_EQ(out.str().size() > bytes, recorded);
    }
}

}  // namespace
}  // namespace mailwire::fake
