#include "core/ErrorLogSinks.h"

#include <Poco/Exception.h>
#include <Poco/Net/DatagramSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/ErrorLogFormat.h"

namespace mailwire::core {

namespace {

std::string openFailure(const std::string& path, int err) {
    return "open() \"" + path + "\" failed (" + std::to_string(err) + ": " + std::strerror(err) + ")";
}

void writeAll(int fd, const std::string& bytes) {
    // One write() per line so concurrent workers appending to the same file never interleave within a line.
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    (void)n;
}

class FileSink : public LogSink {
  public:
    explicit FileSink(std::string path) : path_(std::move(path)) {}
    ~FileSink() override {
        if (fd_ >= 0) ::close(fd_);
    }
    std::string open() {
        const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) return openFailure(path_, errno);
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
        return {};
    }
    void write(LogLevel, const std::string& line, const std::tm&) override { writeAll(fd_, line + "\n"); }
    std::string reopen() override { return open(); }  // on failure the old file stays in use

  private:
    std::string path_;
    int fd_ = -1;
};

class StderrSink : public LogSink {
  public:
    void write(LogLevel, const std::string& line, const std::tm&) override {
        writeAll(STDERR_FILENO, line + "\n");
    }
    bool isStderr() const override { return true; }
};

class SyslogSink : public LogSink {
  public:
    SyslogSink(SyslogTarget target, const Poco::Net::SocketAddress& server)
        : target_(std::move(target)), socket_(server.family()) {
        socket_.connect(server);
        socket_.setBlocking(false);
        char name[256] = {};
        if (::gethostname(name, sizeof name - 1) == 0) hostname_ = name;
        ::fcntl(socket_.impl()->sockfd(), F_SETFD, FD_CLOEXEC);
    }
    void write(LogLevel level, const std::string& line, const std::tm& local) override {
        const std::string packet =
            formatSyslogPacket(target_, level, formatSyslogTime(local), hostname_, line);
        try {
            socket_.sendBytes(packet.data(), static_cast<int>(packet.size()));
        } catch (const Poco::Exception&) {
            // A missing syslog daemon must never disturb the proxy; nginx drops the message too.
        }
    }

  private:
    SyslogTarget target_;
    Poco::Net::DatagramSocket socket_;
    std::string hostname_;
};

}  // namespace

std::unique_ptr<LogSink> openLogSink(const std::string& target, std::string& error) {
    if (target == "stderr") return std::make_unique<StderrSink>();
    if (target.rfind("syslog:", 0) == 0) {
        SyslogTarget syslog;
        if (!parseSyslogTarget(target.substr(7), syslog, error)) return nullptr;
        try {
            Poco::Net::SocketAddress server(syslog.host, syslog.port);
            return std::make_unique<SyslogSink>(syslog, server);
        } catch (const Poco::Exception& e) {
            error = "syslog server \"" + syslog.host + "\" failed: " + e.displayText();
            return nullptr;
        }
    }
    auto file = std::make_unique<FileSink>(target);
    error = file->open();
    if (!error.empty()) return nullptr;
    return file;
}

}  // namespace mailwire::core
