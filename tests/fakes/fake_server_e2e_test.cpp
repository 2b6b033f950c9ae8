// Drives a real FakeServer on 127.0.0.1:0 (its loop in a background thread) with plain sockets, then reads
// the transcript. Every wait is on a socket event (a reply, EOF), never on time.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "byte_text.h"
#include "fake_server.h"
#include "script_error.h"

namespace mailwire::fake {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string writeTempScript(const std::string& json) {
    char path[] = "/tmp/mailwire-fake-test-XXXXXX";
    int fd = ::mkstemp(path);
    EXPECT_GE(fd, 0);
    ::close(fd);
    std::ofstream(path) << json;
    return path;
}

// A fake serving in a background thread; stopping it records `close` for open connections.
class RunningFake {
  public:
    RunningFake(const std::string& protocol, const std::string& scriptJson) {
        FakeOptions options;
        options.protocol = protocol;
        options.listen = {"127.0.0.1:0"};
        options.backend = "127.0.0.1:20143";
        if (!scriptJson.empty()) options.scriptPath = scriptPath_ = writeTempScript(scriptJson);
        server_ = std::make_unique<FakeServer>(options,
                                               std::make_unique<Transcript>(out_, Transcript::Clock::now()));
        thread_ = std::thread([this] { server_->run(); });
    }
    ~RunningFake() {
        stop();
        if (!scriptPath_.empty()) std::remove(scriptPath_.c_str());
    }
    std::uint16_t port() const { return server_->ports().front(); }
    void stop() {
        if (!thread_.joinable()) return;
        server_->requestStop();
        thread_.join();
    }
    // "conn event data" per transcript line (time and peer left out); stops the fake first.
    std::vector<std::string> events() {
        stop();
        std::vector<std::string> result;
        std::istringstream lines(out_.str());
        for (std::string line; std::getline(lines, line);) {
            Poco::JSON::Parser parser;
            auto object = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
            std::string entry =
                std::to_string(object->getValue<int>("conn")) + " " + object->getValue<std::string>("event");
            EXPECT_TRUE(object->has("t")) << line;
            if (object->has("data")) {
                std::string bytes, error;
                EXPECT_TRUE(bytesFromLatin1Text(object->getValue<std::string>("data"), bytes, error))
                    << error;
                entry += " " + bytes;
            }
            if (object->has("peer")) {
                EXPECT_THAT(object->getValue<std::string>("peer"), StartsWith("127.0.0.1:"));
            }
            if (object->has("reset")) entry += " (reset)";
            result.push_back(entry);
        }
        return result;
    }
    std::string rawTranscript() {
        stop();
        return out_.str();
    }

  private:
    std::ostringstream out_;
    std::string scriptPath_;
    std::unique_ptr<FakeServer> server_;
    std::thread thread_;
};

class Client {
  public:
    explicit Client(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    }
    ~Client() { ::close(fd_); }
    void send(const std::string& bytes) {
        EXPECT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
    }
    // One line up to LF, or what came before EOF.
    std::string readLine() {
        std::string line;
        char c;
        while (::recv(fd_, &c, 1, 0) == 1) {
            line.push_back(c);
            if (c == '\n') break;
        }
        return line;
    }
    std::string readUntilEof() {
        std::string all;
        char buffer[4096];
        for (ssize_t got; (got = ::recv(fd_, buffer, sizeof buffer, 0)) > 0;) all.append(buffer, got);
        return all;
    }
    void shutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  private:
    int fd_;
};

TEST(FakeImapE2E, RunsTheScriptAndRecordsEveryEvent) {
    RunningFake fake("imap", R"({"connections": [[
        {"send": "* OK fake ready"}, {"expect": "a1 LOGIN {4}"}, {"send": "+ go ahead"},
        {"expect": "user"}, {"wait_ms": 1}, {"send_raw": "a1 OK\r\n"}, {"expect_eof": true}]]})");
    Client client(fake.port());
    EXPECT_EQ(client.readLine(), "* OK fake ready\r\n");
    client.send("a1 LOGIN {4}\r\n");
    EXPECT_EQ(client.readLine(), "+ go ahead\r\n");
    client.send("user\r\n");
    EXPECT_EQ(client.readLine(), "a1 OK\r\n");
    client.send("extra\r\ntail");
    client.shutdownWrite();
    EXPECT_EQ(client.readUntilEof(), "");
    EXPECT_THAT(fake.events(),
                ElementsAre("1 accept", "1 send * OK fake ready\r\n", "1 recv a1 LOGIN {4}\r\n",
                            "1 send + go ahead\r\n", "1 recv user\r\n", "1 send a1 OK\r\n",
                            "1 recv extra\r\n", "1 recv tail", "1 eof", "1 close"));
}

TEST(FakeImapE2E, ScriptedCloseClosesTheConnection) {
    RunningFake fake("imap", R"({"connections": [[{"send": "* BYE"}, {"close": true}]]})");
    Client client(fake.port());
    EXPECT_EQ(client.readUntilEof(), "* BYE\r\n");
    EXPECT_THAT(fake.events(), ElementsAre("1 accept", "1 send * BYE\r\n", "1 close"));
}

TEST(FakeImapE2E, ExpectAtEofRecordsEofAndEndsTheScript) {
    RunningFake fake("imap", R"({"connections": [[{"expect": "a"}, {"send": "never"}]]})");
    Client client(fake.port());
    client.shutdownWrite();
    EXPECT_EQ(client.readUntilEof(), "");
    EXPECT_THAT(fake.events(), ElementsAre("1 accept", "1 eof", "1 close"));
}

TEST(FakeImapE2E, BinaryBytesAreRecordedOneCodePointPerByte) {
    RunningFake fake("imap", "");
    Client client(fake.port());
    EXPECT_EQ(client.readLine(), "* OK mailwire-fake IMAP ready\r\n");
    static const char line[] = "b1 NOOP \x00\x01\x7f\x80\xff\"\\\r\n";
    client.send(std::string(line, sizeof line - 1));
    EXPECT_EQ(client.readLine(), "b1 OK NOOP completed\r\n");
    client.shutdownWrite();
    client.readUntilEof();
    std::string raw = fake.rawTranscript();
    EXPECT_THAT(raw,
                HasSubstr(R"("event": "recv", "data": "b1 NOOP \u0000\u0001\u007f\u0080\u00ff\"\\\r\n"})"));
}

TEST(FakeImapE2E, DefaultScriptAnswersTheNginxLoginSequence) {
    RunningFake fake("imap", "");
    Client client(fake.port());
    EXPECT_EQ(client.readLine(), "* OK mailwire-fake IMAP ready\r\n");
    client.send("d1 LOGIN {4}\r\n");
    EXPECT_EQ(client.readLine(), "+ OK\r\n");
    client.send("good {6}\r\n");
    EXPECT_EQ(client.readLine(), "+ OK\r\n");
    client.send("secret\r\n");
    EXPECT_EQ(client.readLine(), "d1 OK LOGIN completed\r\n");
    client.send("d2 LOGOUT\r\n");
    EXPECT_EQ(client.readUntilEof(), "* BYE mailwire-fake logging out\r\nd2 OK LOGOUT completed\r\n");
}

TEST(FakeImapE2E, AWaitingConnectionDoesNotHoldUpOthers) {
    RunningFake fake("imap", R"({"connections": [
        [{"wait_ms": 3600000}, {"send": "late"}],
        [{"send": "second"}, {"close": true}]]})");
    Client first(fake.port());
    Client second(fake.port());
    EXPECT_EQ(second.readUntilEof(), "second\r\n");
    // The first connection is still in its hour-long wait when the fake stops.
    EXPECT_THAT(fake.events(),
                ElementsAre("1 accept", "2 accept", "2 send second\r\n", "2 close", "1 close"));
}

TEST(FakeImapE2E, HugeLinesAreRecordedInBoundedPieces) {
    RunningFake fake("imap", R"({"connections": [[]]})");
    Client client(fake.port());
    client.send(std::string(200000, 'x') + "\r\n");
    client.shutdownWrite();
    client.readUntilEof();
    auto events = fake.events();
    ASSERT_EQ(events.size(), 7u);  // accept, 4 pieces, eof, close
    std::string all;
    for (std::size_t i = 1; i <= 4; ++i) {
        ASSERT_THAT(events[i], StartsWith("1 recv "));
        EXPECT_LE(events[i].size() - 7, 65536u);
        all += events[i].substr(7);
    }
    EXPECT_EQ(all, std::string(200000, 'x') + "\r\n");
    EXPECT_EQ(events[5], "1 eof");
}

TEST(FakeAuthE2E, AnswersEachRequestFromItsEntry) {
    RunningFake fake("auth", R"({"requests": [
        {"response": "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\n\r\n", "delay_ms": 1},
        {"close_without_response": true},
        {"no_response": true}]})");
    const std::string head = "GET /auth HTTP/1.0\r\nHost: localhost\r\nAuth-User: a\r\n\r\n";
    {
        Client client(fake.port());
        client.send(head);
        EXPECT_EQ(client.readUntilEof(), "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\n\r\n");
    }
    {
        Client client(fake.port());
        client.send(head);
        EXPECT_EQ(client.readUntilEof(), "");
    }
    {
        Client client(fake.port());
        client.send("GET /auth HTTP/1.0\nHost: x\n\n");
        client.shutdownWrite();
        EXPECT_EQ(client.readUntilEof(), "");
    }
    EXPECT_THAT(fake.events(),
                ElementsAre("1 accept", "1 recv " + head, "1 send HTTP/1.0 200 OK\r\nAuth-Status: OK\r\n\r\n",
                            "1 close", "2 accept", "2 recv " + head, "2 close", "3 accept",
                            "3 recv GET /auth HTTP/1.0\nHost: x\n\n", "3 eof", "3 close"));
}

TEST(FakeAuthE2E, AClientClosingBeforeTheBlankLineIsRecorded) {
    RunningFake fake("auth", "");
    Client client(fake.port());
    client.send("GET /auth HTTP/1.0\r\nAuth-Us");
    client.shutdownWrite();
    EXPECT_EQ(client.readUntilEof(), "");
    EXPECT_THAT(fake.events(),
                ElementsAre("1 accept", "1 recv GET /auth HTTP/1.0\r\nAuth-Us", "1 eof", "1 close"));
}

TEST(FakeAuthE2E, DefaultScriptSendsGoodLoginsToTheBackend) {
    RunningFake fake("auth", "");
    Client good(fake.port());
    good.send("GET /auth HTTP/1.0\r\nAuth-User: good\r\nAuth-Pass: x\r\n\r\n");
    EXPECT_EQ(good.readUntilEof(),
              "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\nAuth-Server: 127.0.0.1\r\nAuth-Port: 20143\r\n\r\n");
    Client bad(fake.port());
    bad.send("GET /auth HTTP/1.0\r\nAuth-User: bad\r\nAuth-Pass: x\r\n\r\n");
    EXPECT_EQ(bad.readUntilEof(),
              "HTTP/1.0 200 OK\r\nAuth-Status: Invalid login or password\r\nAuth-Wait: 1\r\n\r\n");
}

TEST(FakeAuthE2E, StoppingRecordsCloseForAnOpenConnection) {
    RunningFake fake("auth", R"({"requests": [{"no_response": true}]})");
    Client idle(fake.port());
    // Accepted after the idle one (the accept queue is FIFO), so once it is done the idle one is open.
    Client second(fake.port());
    second.send("GET / HTTP/1.0\r\n\r\n");
    second.shutdownWrite();
    second.readUntilEof();
    EXPECT_THAT(fake.events(), ElementsAre("1 accept", "2 accept", "2 recv GET / HTTP/1.0\r\n\r\n", "2 eof",
                                           "2 close", "1 close"));
}

TEST(FakeServerSetup, ABadScriptNamesTheFile) {
    std::string path = writeTempScript(R"({"connections": [[{"sned": "x"}]]})");
    FakeOptions options;
    options.protocol = "imap";
    options.listen = {"127.0.0.1:0"};
    options.scriptPath = path;
    std::ostringstream out;
    try {
        FakeServer server(options, std::make_unique<Transcript>(out, Transcript::Clock::now()));
        ADD_FAILURE() << "no ScriptError";
    } catch (const ScriptError& e) {
        EXPECT_THAT(e.what(), HasSubstr(path + ": connections[0][0]: unknown step \"sned\""));
    }
    std::remove(path.c_str());
}

}  // namespace
}  // namespace mailwire::fake
