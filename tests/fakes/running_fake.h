#pragma once

// A real FakeServer on 127.0.0.1:0 (its loop in a background thread) and a plain-socket client, for the
// end-to-end tests. Every wait is on a socket event (a reply, EOF, a reset), never on time.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "byte_text.h"
#include "fake_server.h"

namespace mailwire::fake::e2e {

inline std::string writeTempScript(const std::string& json) {
    char path[] = "/tmp/mailwire-fake-test-XXXXXX";
    int fd = ::mkstemp(path);
    EXPECT_GE(fd, 0);
    ::close(fd);
    std::ofstream(path) << json;
    return path;
}

// A fake serving in a background thread (a script, the default dialogue, or a --profile); stopping it
// records `close` for open connections.
class RunningFake {
  public:
    RunningFake(const std::string& protocol, const std::string& scriptJson, const std::string& profile = "") {
        FakeOptions options;
        options.protocol = protocol;
        options.profile = profile;
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
    // "conn event data" per transcript line (time and peer left out; "(reset)" and "(piece)" for those
    // fields); stops the fake first.
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
                EXPECT_THAT(object->getValue<std::string>("peer"), ::testing::StartsWith("127.0.0.1:"));
            }
            if (object->has("reset")) entry += " (reset)";
            if (object->has("piece")) {
                EXPECT_TRUE(object->getValue<bool>("piece")) << line;
                entry += " (piece)";
            }
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
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

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
    // What one recv() returns: whatever has arrived, at least one byte ("" at EOF or on an error).
    std::string readSome() {
        char buffer[4096];
        ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
        return got > 0 ? std::string(buffer, static_cast<std::size_t>(got)) : std::string();
    }
    std::string readUntilEof() {
        int error = 0;
        return readUntilEnd(error);
    }
    // Everything until EOF (`error` 0) or a failed recv (`error` is its errno).
    std::string readUntilEnd(int& error) {
        std::string all;
        char buffer[4096];
        ssize_t got;
        while ((got = ::recv(fd_, buffer, sizeof buffer, 0)) > 0)
            all.append(buffer, static_cast<std::size_t>(got));
        error = got < 0 ? errno : 0;
        return all;
    }
    // Sends without blocking until the socket buffers on both sides are full; returns how much went.
    std::size_t sendUntilFull() {
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
        const std::string chunk(64 * 1024, 'z');
        std::size_t total = 0;
        for (;;) {
            ssize_t sent = ::send(fd_, chunk.data(), chunk.size(), MSG_NOSIGNAL);
            if (sent > 0) {
                total += static_cast<std::size_t>(sent);
                continue;
            }
            EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << std::strerror(errno);
            return total;
        }
    }
    void shutdownWrite() { ::shutdown(fd_, SHUT_WR); }
    // After EOF recv() only ever says EOF again; a reset that follows shows as POLLHUP/POLLERR. Returns the
    // socket's pending error (EPIPE for a reset after EOF), or 0 if nothing came within 10 s.
    int waitForReset() {
        pollfd hangUp{fd_, 0, 0};
        if (::poll(&hangUp, 1, 10000) != 1) return 0;
        EXPECT_TRUE(hangUp.revents & POLLHUP);
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
        return error;
    }

  private:
    int fd_;
};

}  // namespace mailwire::fake::e2e
