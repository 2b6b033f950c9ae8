// Proxy mode without sockets: both directions, backpressure, endings and proxy_timeout.
#include <gtest/gtest.h>

#include "backend/Relay.h"
#include "mocks/FakeConnection.h"
#include "mocks/ManualTimers.h"

namespace mailwire::testing {
namespace {

using backend::Relay;

class RelayTest : public ::testing::Test {
  protected:
    void start(const std::string& pipelined = "") {
        relay_ =
            std::make_unique<Relay>(client_, backend_, timers_, Relay::Settings{8, 16, core::Millis(2000)},
                                    [this](Relay::End end, const std::string& detail) {
                                        ended_ = true;
                                        end_ = end;
                                        detail_ = detail;
                                    });
        relay_->start(pipelined);
    }

    FakeConnection client_, backend_;
    ManualTimers timers_;
    std::unique_ptr<Relay> relay_;
    bool ended_ = false;
    Relay::End end_ = Relay::End::ClientReadFailed;
    std::string detail_;
};

TEST_F(RelayTest, PipelinedBytesGoFirstThenBothDirectionsFlow) {
    start("a2 NOOP\r\n");
    EXPECT_EQ(backend_.takeWritten(), "a2 NOOP\r\n");
    client_.peerSends("a3 SELECT INBOX\r\n");  // longer than the 8-byte client buffer: several reads
    client_.deliver();
    EXPECT_EQ(backend_.takeWritten(), "a3 SELECT INBOX\r\n");
    backend_.peerSends("* 0 EXISTS\r\na3 OK done\r\n");
    backend_.deliver();
    EXPECT_EQ(client_.takeWritten(), "* 0 EXISTS\r\na3 OK done\r\n");
    EXPECT_FALSE(ended_);
}

TEST_F(RelayTest, ASlowClientPausesReadingTheBackendUntilItDrains) {
    start();
    client_.holdWrites(true);
    backend_.peerSends("* 1 EXISTS\r\n");
    backend_.deliver();
    EXPECT_FALSE(backend_.readInterest());
    client_.kernelTakes();
    EXPECT_TRUE(backend_.readInterest());
    EXPECT_EQ(client_.takeWritten(), "* 1 EXISTS\r\n");
}

TEST_F(RelayTest, BackendEofEndsOnceItsBytesAreDelivered) {
    start();
    client_.holdWrites(true);
    backend_.peerSends("* BYE\r\n");
    backend_.peerCloses();
    backend_.deliver();
    EXPECT_FALSE(backend_.readInterest());
    backend_.setReadInterest(true);  // as if the EOF were noticed while the client is still slow
    backend_.deliver();
    EXPECT_FALSE(ended_) << "the backend's last bytes are still queued for the client";
    client_.kernelTakes();
    EXPECT_TRUE(ended_);
    EXPECT_EQ(end_, Relay::End::Done);
    EXPECT_EQ(client_.takeWritten(), "* BYE\r\n");
}

TEST_F(RelayTest, ClientEofEndsTheSession) {
    start();
    client_.peerCloses();
    client_.deliver();
    EXPECT_TRUE(ended_);
    EXPECT_EQ(end_, Relay::End::Done);
}

TEST_F(RelayTest, ProxyTimeoutCountsOnlyClientActivity) {
    start();
    timers_.advance(core::Millis(1500));
    client_.peerSends("x\r\n");
    client_.deliver();
    timers_.advance(core::Millis(1500));
    EXPECT_FALSE(ended_) << "client traffic re-armed the timer";
    backend_.peerSends("* 2 EXISTS\r\n");
    backend_.deliver();
    timers_.advance(core::Millis(500));
    EXPECT_TRUE(ended_) << "backend traffic alone does not keep the session alive";
    EXPECT_EQ(end_, Relay::End::TimedOut);
}

// Writes the client takes at once report no drain (core::ConnectionHandler), so a chatty backend does not
// keep a silent client's session open (TcpConnectionTest checks that half of the contract on real sockets).
TEST_F(RelayTest, BackendPushesToAnIdleClientDoNotKeepTheSessionAlive) {
    start();
    for (int tick = 0; tick < 9; ++tick) {
        timers_.advance(core::Millis(200));
        backend_.peerSends("* OK still here\r\n");
        backend_.deliver();
    }
    EXPECT_FALSE(ended_);
    timers_.advance(core::Millis(200));
    EXPECT_TRUE(ended_) << "2 s after the start, whatever the backend sent";
    EXPECT_EQ(end_, Relay::End::TimedOut);
}

TEST_F(RelayTest, AClientTakingABlockedWriteIsActivity) {
    start();
    timers_.advance(core::Millis(1500));
    client_.holdWrites(true);
    backend_.peerSends("* 3 EXISTS\r\n");
    backend_.deliver();
    client_.kernelTakes();  // the client read what had been waiting for it
    timers_.advance(core::Millis(1500));
    EXPECT_FALSE(ended_) << "the client becoming writable again re-armed the timer";
    timers_.advance(core::Millis(500));
    EXPECT_TRUE(ended_);
}

TEST_F(RelayTest, DestroyingTheRelayReleasesBothConnections) {
    start();
    relay_.reset();
    EXPECT_EQ(client_.handler(), nullptr);
    EXPECT_EQ(backend_.handler(), nullptr);
    EXPECT_EQ(timers_.armed(), 0u);
}

}  // namespace
}  // namespace mailwire::testing
