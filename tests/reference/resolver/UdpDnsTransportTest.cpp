// UdpDnsTransport on a real event loop against a DNS "server" socket played by the test (no timing
// assertions).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>

#include "core/EventLoop.h"
#include "resolver/UdpDnsTransport.h"

namespace mailwire::resolver {
namespace {

using namespace std::string_literals;

// A UDP socket on 127.0.0.1 that the test answers from, on the same loop.
class ScriptedServer {
  public:
    explicit ScriptedServer(core::EventLoop& loop) : loop_(loop) {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        socklen_t length = sizeof address;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
    }
    ~ScriptedServer() {
        loop_.unwatch(fd_);
        ::close(fd_);
    }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

    // `reply(query)` returns the datagrams to send back.
    void serve(std::function<std::vector<std::string>(const std::string& query)> reply) {
        loop_.watch(fd_, core::kReadable, [this, reply](uint32_t) {
            char buffer[1500];
            sockaddr_storage peer{};
            socklen_t length = sizeof peer;
            const ssize_t n =
                ::recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&peer), &length);
            if (n <= 0) return;
            lastPeer = peer;
            lastPeerLength = length;
            queries.emplace_back(buffer, static_cast<size_t>(n));
            for (const auto& datagram : reply(queries.back()))
                ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&peer),
                         length);
        });
    }

    void sendTo(const std::string& datagram, const sockaddr_storage& peer, socklen_t length) {
        ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&peer), length);
    }

    std::vector<std::string> queries;
    sockaddr_storage lastPeer{};
    socklen_t lastPeerLength = 0;

  private:
    core::EventLoop& loop_;
    int fd_ = -1;
    uint16_t port_ = 0;
};

// The answer to `query`: its header with QR and `rcode`, its question, then one A record per address.
std::string answerTo(const std::string& query, int rcode, const std::vector<std::string>& addresses = {},
                     int idDelta = 0) {
    std::string out = query;
    const unsigned id =
        ((static_cast<unsigned char>(query[0]) << 8) | static_cast<unsigned char>(query[1])) + idDelta;
    out[0] = static_cast<char>((id >> 8) & 0xff);
    out[1] = static_cast<char>(id & 0xff);
    out[2] = static_cast<char>(0x81);
    out[3] = static_cast<char>(0x80 | rcode);
    out[7] = static_cast<char>(addresses.size());
    for (const auto& text : addresses) {
        in_addr a{};
        inet_pton(AF_INET, text.c_str(), &a);
        out +=
            "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04"s + std::string(reinterpret_cast<char*>(&a), 4);
    }
    return out;
}

TEST(UdpDnsTransportTest, AsksAndDeliversTheMatchingAnswer) {
    core::EventLoop loop;
    ScriptedServer server(loop);
    // A stray datagram with the wrong id and a garbage one come first: both are ignored.
    server.serve([](const std::string& query) {
        return std::vector<std::string>{answerTo(query, 0, {"10.0.0.1"}, 1), "garbage",
                                        answerTo(query, 0, {"127.0.0.1"})};
    });
    UdpDnsTransport transport(loop, {server.address()}, core::Millis(10000));
    std::optional<DnsAnswer> got;
    bool insideAsk = true;
    transport.ask("client.example.test", RecordType::A, [&](const DnsAnswer& answer) {
        EXPECT_FALSE(insideAsk);
        got = answer;
        loop.stop();
    });
    insideAsk = false;
    loop.run();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->code, kNoError);
    ASSERT_EQ(got->records.size(), 1u);
    EXPECT_EQ(got->records[0].value, "127.0.0.1");
    ASSERT_EQ(server.queries.size(), 1u);
    EXPECT_EQ(server.queries[0].substr(2), buildQuery(0, "client.example.test", RecordType::A)->substr(2));
}

TEST(UdpDnsTransportTest, AnswersFromAnAddressThatIsNotAServerAreIgnored) {
    core::EventLoop loop;
    ScriptedServer server(loop), impostor(loop);
    server.serve([&](const std::string& query) {
        impostor.sendTo(answerTo(query, 0, {"10.6.6.6"}), server.lastPeer, server.lastPeerLength);
        return std::vector<std::string>{answerTo(query, 0, {"127.0.0.1"})};
    });
    UdpDnsTransport transport(loop, {server.address()}, core::Millis(10000));
    std::string address;
    transport.ask("client.example.test", RecordType::A, [&](const DnsAnswer& answer) {
        address = answer.records.empty() ? "" : answer.records[0].value;
        loop.stop();
    });
    loop.run();
    EXPECT_EQ(address, "127.0.0.1");
}

TEST(UdpDnsTransportTest, RcodesArePassedOn) {
    core::EventLoop loop;
    ScriptedServer server(loop);
    server.serve(
        [](const std::string& query) { return std::vector<std::string>{answerTo(query, kNxDomain)}; });
    UdpDnsTransport transport(loop, {server.address()}, core::Millis(10000));
    int code = -1;
    transport.ask("missing.example.test", RecordType::A, [&](const DnsAnswer& answer) {
        code = answer.code;
        loop.stop();
    });
    loop.run();
    EXPECT_EQ(code, kNxDomain);
}

TEST(UdpDnsTransportTest, NoAnswerTimesOutAfterResendingToTheNextServer) {
    core::EventLoop loop;
    ScriptedServer first(loop), second(loop);
    auto silent = [](const std::string&) { return std::vector<std::string>{}; };
    first.serve(silent);
    second.serve(silent);
    UdpDnsTransport transport(loop, {first.address(), second.address()}, core::Millis(200), core::Millis(50));
    int code = -1;
    transport.ask("slow.example.test", RecordType::Ptr, [&](const DnsAnswer& answer) {
        code = answer.code;
        loop.stop();
    });
    loop.run();
    EXPECT_EQ(code, kTimedOut);
    EXPECT_GE(first.queries.size(), 1u);
    EXPECT_GE(second.queries.size(), 1u);
}

TEST(UdpDnsTransportTest, CancelledQuestionsNeverAnswer) {
    core::EventLoop loop;
    ScriptedServer server(loop);
    server.serve([](const std::string& query) { return std::vector<std::string>{answerTo(query, 0)}; });
    bool called = false;
    {
        UdpDnsTransport transport(loop, {server.address()}, core::Millis(100));
        transport.ask("a.example.test", RecordType::A, [&](const DnsAnswer&) { called = true; });
        transport.cancelAll();
        transport.ask("b.example.test", RecordType::A, [&](const DnsAnswer&) { called = true; });
    }  // destroyed with a question in flight
    loop.addTimer(core::Millis(150), [&] { loop.stop(); });
    loop.run();
    EXPECT_FALSE(called);
}

}  // namespace
}  // namespace mailwire::resolver
