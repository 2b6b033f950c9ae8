// The fake DNS server: its wire codec, its script loader, and a real server on 127.0.0.1:0 driven with a
// plain UDP socket (every wait is on a reply or a poll, never on time alone).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "dns_script.h"
#include "dns_server.h"
#include "dns_wire.h"
#include "fake_server.h"
#include "script_error.h"

namespace mailwire::fake {
namespace {

using namespace std::string_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string u16(unsigned v) { return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)}; }

std::string query(unsigned id, const std::string& labels, unsigned type) {
    return u16(id) + u16(0x0100) + u16(1) + u16(0) + u16(0) + u16(0) + labels + u16(type) + u16(1);
}

const std::string kPtrLabels =
    "\x01"
    "1\x01"
    "0\x01"
    "0\x03"
    "127\x07in-addr\x04"
    "arpa\x00"s;
const std::string kNameLabels =
    "\x06"
    "client\x07"
    "example\x04"
    "test\x00"s;

TEST(DnsWireTest, ParsesAQuery) {
    auto question = parseDnsQuery(query(0xabcd, kPtrLabels, 12));
    ASSERT_TRUE(question);
    EXPECT_EQ(question->id, 0xabcd);
    EXPECT_EQ(question->name, "1.0.0.127.in-addr.arpa");
    EXPECT_EQ(question->type, kDnsPtr);
    EXPECT_EQ(question->qclass, 1);
}

TEST(DnsWireTest, RefusesWhatIsNotAQuery) {
    EXPECT_FALSE(parseDnsQuery(""));
    EXPECT_FALSE(parseDnsQuery(query(1, kPtrLabels, 12).substr(0, 20)));
    std::string response = query(1, kPtrLabels, 12);
    response[2] = static_cast<char>(0x81);
    EXPECT_FALSE(parseDnsQuery(response));
    EXPECT_FALSE(parseDnsQuery(query(1, "\xc0\x0c"s, 1)));  // no compression in queries
}

TEST(DnsWireTest, BuildsAnswersOfTheQuestionsType) {
    auto question = *parseDnsQuery(query(0x0102, kNameLabels, 1));
    const std::string answer = buildDnsResponse(question, 0, {"127.0.0.1", "192.0.2.7"}, 60);
    const std::string expected = u16(0x0102) + u16(0x8180) + u16(1) + u16(2) + u16(0) + u16(0) + kNameLabels +
                                 u16(1) + u16(1) +
                                 "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x01"s +
                                 "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x07"s;
    EXPECT_EQ(answer, expected);
    const std::string nx = buildDnsResponse(question, 3, {}, 0);
    EXPECT_EQ(nx,
              u16(0x0102) + u16(0x8183) + u16(1) + u16(0) + u16(0) + u16(0) + kNameLabels + u16(1) + u16(1));
    auto ptr = *parseDnsQuery(query(7, kPtrLabels, 12));
    EXPECT_THAT(buildDnsResponse(ptr, 0, {"client.example.test"}, 1),
                ::testing::EndsWith(u16(21) + kNameLabels));
}

TEST(DnsWireTest, RandomQueriesNeverCrash) {
    std::mt19937 random(7);
    const std::string valid = query(9, kPtrLabels, 12);
    for (int round = 0; round < 20000; ++round) {
        std::string data = valid;
        if (round % 2) {
            data.resize(random() % 80);
            for (auto& c : data) c = static_cast<char>(random());
        } else {
            for (int flips = 1 + random() % 3; flips > 0; --flips)
                data[random() % data.size()] = static_cast<char>(random());
        }
        if (auto question = parseDnsQuery(data)) buildDnsResponse(*question, 0, {"127.0.0.1", "x.test"}, 1);
    }
}

TEST(DnsScriptTest, LoadsAnswers) {
    auto script = DnsScript::fromJson(
        R"({"answers": [{"question": "1.0.0.127.in-addr.arpa.", "type": "PTR", "records": ["client.example.test."]},
                        {"question": "Client.Example.Test", "type": "A", "rcode": "SERVFAIL", "ttl": 5},
                        {"question": "slow.test", "type": "AAAA", "drop": true}]})",
        "t.json");
    ASSERT_EQ(script.answers.size(), 3u);
    const DnsAnswer* ptr = script.find("1.0.0.127.in-addr.arpa", kDnsPtr);
    ASSERT_TRUE(ptr);
    EXPECT_THAT(ptr->records, ElementsAre("client.example.test"));
    EXPECT_EQ(ptr->rcode, 0);
    const DnsAnswer* a = script.find("client.example.TEST", kDnsA);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->rcode, 2);
    EXPECT_EQ(a->ttl, 5u);
    EXPECT_TRUE(script.find("slow.test", kDnsAaaa)->drop);
    EXPECT_EQ(script.find("client.example.test", kDnsAaaa), nullptr);
}

TEST(DnsScriptTest, ErrorsNameTheProblem) {
    auto error = [](const std::string& json) {
        try {
            DnsScript::fromJson(json, "s.json");
        } catch (const ScriptError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_THAT(error(R"({})"), HasSubstr("missing \"answers\""));
    EXPECT_THAT(error(R"({"answers": [{"type": "A"}]})"), HasSubstr("needs \"question\" and \"type\""));
    EXPECT_THAT(error(R"({"answers": [{"question": "x", "type": "MX"}]})"),
                HasSubstr("type must be A, AAAA or PTR"));
    EXPECT_THAT(error(R"({"answers": [{"question": "x", "type": "A", "rcode": "OOPS"}]})"),
                HasSubstr("rcode must be"));
    EXPECT_THAT(error(R"({"answers": [{"question": "x", "type": "A", "records": ["::1"]}]})"),
                HasSubstr("\"::1\" is not a valid A value"));
    EXPECT_THAT(error(R"({"answers": [{"question": "x", "type": "A", "colour": 1}]})"),
                HasSubstr("unknown key \"colour\""));
}

// A dns fake serving in a background thread.
class RunningDnsFake {
  public:
    explicit RunningDnsFake(const std::string& scriptJson) {
        char path[] = "/tmp/mailwire-dns-test-XXXXXX";
        const int fd = ::mkstemp(path);
        ::close(fd);
        scriptPath_ = path;
        std::ofstream(scriptPath_) << scriptJson;
        FakeOptions options;
        options.protocol = "dns";
        options.listen = {"127.0.0.1:0"};
        options.scriptPath = scriptPath_;
        server_ = std::make_unique<FakeServer>(options,
                                               std::make_unique<Transcript>(out_, Transcript::Clock::now()));
        thread_ = std::thread([this] { server_->run(); });
    }
    ~RunningDnsFake() {
        stop();
        std::remove(scriptPath_.c_str());
    }
    std::uint16_t port() const { return server_->ports().front(); }
    void stop() {
        if (!thread_.joinable()) return;
        server_->requestStop();
        thread_.join();
    }
    std::string transcript() {
        stop();
        return out_.str();
    }

  private:
    std::ostringstream out_;
    std::string scriptPath_;
    std::unique_ptr<FakeServer> server_;
    std::thread thread_;
};

// Sends `datagram` and returns the reply, or "" when none comes within `waitMs`.
std::string exchange(int fd, std::uint16_t port, const std::string& datagram, int waitMs = 5000) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, waitMs) != 1) return "";
    char buffer[1500];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
}

TEST(DnsServerTest, AnswersFromTheScriptAndRecordsEveryQuery) {
    RunningDnsFake fake(R"({"answers": [
        {"question": "1.0.0.127.in-addr.arpa", "type": "PTR", "records": ["client.example.test"]},
        {"question": "client.example.test", "type": "A", "rcode": "SERVFAIL"},
        {"question": "client.example.test", "type": "AAAA", "drop": true}]})");
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    const std::string ptr = exchange(fd, fake.port(), query(0x1111, kPtrLabels, 12));
    ASSERT_GE(ptr.size(), 12u);
    EXPECT_EQ(ptr.substr(0, 8), u16(0x1111) + u16(0x8180) + u16(1) + u16(1));
    const std::string a = exchange(fd, fake.port(), query(0x2222, kNameLabels, 1));
    EXPECT_EQ(a.substr(0, 8), u16(0x2222) + u16(0x8182) + u16(1) + u16(0));
    const std::string unscripted = exchange(fd, fake.port(), query(0x3333, "\x05other\x00"s, 1));
    EXPECT_EQ(unscripted.substr(0, 4), u16(0x3333) + u16(0x8183));
    // The dropped question is sent last and checked in the transcript only (no reply will come).
    exchange(fd, fake.port(), "junk", 200);
    exchange(fd, fake.port(), query(0x4444, kNameLabels, 28), 200);
    ::close(fd);
    const std::string transcript = fake.transcript();
    EXPECT_THAT(transcript, HasSubstr(R"("conn": 1, )"));
    EXPECT_THAT(transcript, HasSubstr(R"("event": "recv", "data": "PTR 1.0.0.127.in-addr.arpa"})"));
    EXPECT_THAT(transcript, HasSubstr(R"("event": "send", "data": "NOERROR client.example.test"})"));
    EXPECT_THAT(transcript, HasSubstr(R"("event": "recv", "data": "A client.example.test"})"));
    EXPECT_THAT(transcript, HasSubstr(R"("event": "send", "data": "SERVFAIL"})"));
    EXPECT_THAT(transcript, HasSubstr(R"("event": "send", "data": "NXDOMAIN"})"));
    EXPECT_THAT(transcript, HasSubstr(R"x("event": "error", "data": "unparsable DNS query (4 bytes)"})x"));
    EXPECT_THAT(transcript, HasSubstr(R"("conn": 5, )"));
    EXPECT_THAT(transcript, HasSubstr(R"("event": "recv", "data": "AAAA client.example.test"})"));
    size_t sends = 0;
    for (size_t at = transcript.find("\"send\""); at != std::string::npos;
         at = transcript.find("\"send\"", at + 1))
        ++sends;
    EXPECT_EQ(sends, 3u);  // the dropped AAAA question got no answer
}

}  // namespace
}  // namespace mailwire::fake
