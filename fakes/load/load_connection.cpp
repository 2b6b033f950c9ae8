#include "load_connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mailwire::load {

namespace {

constexpr std::size_t kReadChunk = 256 * 1024;
constexpr int kReadsPerEvent = 16;  // then other connections get their turn
constexpr std::size_t kLineBytes =
    1000;  // SMTP's longest line (998 + CRLF): the fewest lines for the sink to split
constexpr std::size_t kWriteChunk = 256 * 1024;
const char kDotEnd[] = "\r\n.\r\n";
constexpr std::size_t kDotEndBytes = 5;

// 1000-byte lines of `x` (no line starts with a dot), long enough to write kWriteChunk from any line offset.
const std::string& bodyPattern() {
    static const std::string pattern = [] {
        std::string line(kLineBytes - 2, 'x');
        line += "\r\n";
        std::string text;
        while (text.size() < kWriteChunk + kLineBytes) text += line;
        return text;
    }();
    return pattern;
}

char* readBuffer() {
    thread_local std::vector<char> buffer(kReadChunk);
    return buffer.data();
}

std::string shown(const std::string& text) {
    std::string result;
    for (char c : text.substr(0, 120)) {
        if (c == '\r')
            result += "\\r";
        else if (c == '\n')
            result += "\\n";
        else if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\')
            result += '?';
        else
            result += c;
    }
    return result;
}

}  // namespace

LoadConnection::LoadConnection(int fd, const std::vector<Step>& steps) : fd_(fd), steps_(steps) {}

LoadConnection::~LoadConnection() {
    if (fd_ >= 0) ::close(fd_);
}

void LoadConnection::onConnected() {
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
        fail(std::string("connect: ") + std::strerror(error));
        return;
    }
    connected_ = true;
    run();
}

void LoadConnection::onReadable() {
    if (!connected_) {
        onConnected();
        if (status_ != Status::Running && status_ != Status::Held) return;
    }
    char* buffer = readBuffer();
    for (int i = 0; i < kReadsPerEvent && (status_ == Status::Running || status_ == Status::Held); ++i) {
        ssize_t got = ::recv(fd_, buffer, kReadChunk, 0);
        if (got > 0) {
            feed(buffer, static_cast<std::size_t>(got));
            continue;
        }
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            fail(std::string("recv: ") + std::strerror(errno) + " while waiting for " + waitingFor());
        } else if (status_ == Status::Running && next_ < steps_.size() &&
                   steps_[next_].kind == Step::Kind::ExpectEof && !outputPending()) {
            status_ = Status::Done;
        } else {
            fail("closed by the server while waiting for " + waitingFor() + "; unread: " + shown(input_));
        }
        return;
    }
}

void LoadConnection::onWritable() {
    if (!connected_) {
        onConnected();
        return;
    }
    flush();
    if (!outputPending()) run();
}

void LoadConnection::feed(const char* data, std::size_t size) {
    while (size > 0 && inRawMode() && input_.empty() && !outputPending()) {
        std::size_t used = consumeRaw(data, size);
        data += used;
        size -= used;
        run();
    }
    input_.append(data, size);
    run();
}

void LoadConnection::run() {
    while (status_ == Status::Running && next_ < steps_.size()) {
        if (outputPending()) {
            flush();
            if (outputPending()) return;  // the rest when the socket drains
            continue;
        }
        if (inRawMode()) {
            if (input_.empty()) return;
            std::size_t used = consumeRaw(input_.data(), input_.size());
            input_.erase(0, used);
            continue;
        }
        const Step& step = steps_[next_];
        switch (step.kind) {
            case Step::Kind::Send:
                output_ += step.text;
                ++next_;
                continue;
            case Step::Kind::SendBody:
                bodyLeft_ = step.bytes - 2;
                bodySent_ = 0;
                bodyTrailer_ = true;
                payload_ += step.bytes;
                ++next_;
                continue;
            case Step::Kind::ReadDotBody:
                readingDotBody_ = true;
                dotTail_ = "\r\n";  // the reply line's end, so an empty body's `.` line is found
                rawConsumed_ = 0;
                ++next_;
                continue;
            case Step::Kind::ExpectEof:
                input_.clear();  // whatever comes before the close does not matter
                return;
            case Step::Kind::Hold:
                input_.clear();
                status_ = Status::Held;
                return;
            default:
                break;
        }
        std::string line;
        if (!takeLine(line)) return;
        if (handleLine(step, line)) ++next_;
    }
    if (status_ == Status::Running && next_ >= steps_.size() && !outputPending()) status_ = Status::Done;
}

bool LoadConnection::takeLine(std::string& line) {
    std::size_t end = input_.find('\n');
    if (end == std::string::npos) return false;
    line.assign(input_, 0, end + 1);
    input_.erase(0, end + 1);
    return true;
}

// True when the step is complete; false to read another line for it (or after a failure).
bool LoadConnection::handleLine(const Step& step, const std::string& line) {
    auto startsWith = [&line](const std::string& prefix) {
        return line.compare(0, prefix.size(), prefix) == 0;
    };
    switch (step.kind) {
        case Step::Kind::ExpectLine:
            if (startsWith(step.text)) return true;
            break;
        case Step::Kind::ExpectTagged:
            // Untagged lines, continuations, and the rest of a line after a literal come first.
            if (!startsWith(step.text + " ")) return false;
            if (startsWith(step.text + " OK")) return true;
            break;
        case Step::Kind::ExpectSmtp:
            if (line.size() >= 4 && line[3] == '-' && startsWith(step.text)) return false;
            if (startsWith(step.text + " ")) return true;
            break;
        case Step::Kind::ReadLiteral: {
            std::size_t open = line.rfind('{');
            std::size_t close = line.rfind('}');
            if (open != std::string::npos && close != std::string::npos && close > open + 1) {
                rawLeft_ = std::strtoull(line.c_str() + open + 1, nullptr, 10);
                payload_ += rawLeft_;
                if (rawLeft_ > 0) return true;
            }
            break;
        }
        default:
            break;
    }
    fail("expected " + waitingFor() + ", got \"" + shown(line) + "\"");
    return false;
}

std::size_t LoadConnection::consumeRaw(const char* data, std::size_t size) {
    if (rawLeft_ > 0) {
        std::size_t used = static_cast<std::size_t>(std::min<std::uint64_t>(rawLeft_, size));
        rawLeft_ -= used;
        return used;
    }
    // POP3: look for CRLF.CRLF, first across the previous read's tail and this one's start, then within.
    std::string window = dotTail_ + std::string(data, std::min<std::size_t>(size, kDotEndBytes - 1));
    std::size_t end = std::string::npos;
    std::size_t at = window.find(kDotEnd);
    if (at != std::string::npos) {
        end = at + kDotEndBytes - dotTail_.size();
    } else if (const void* found = ::memmem(data, size, kDotEnd, kDotEndBytes)) {
        end = static_cast<std::size_t>(static_cast<const char*>(found) - data) + kDotEndBytes;
    }
    if (end == std::string::npos) {
        rawConsumed_ += size;
        dotTail_ = (dotTail_ + std::string(data + size - std::min<std::size_t>(size, kDotEndBytes - 1),
                                           std::min<std::size_t>(size, kDotEndBytes - 1)));
        dotTail_.erase(0, dotTail_.size() > kDotEndBytes - 1 ? dotTail_.size() - (kDotEndBytes - 1) : 0);
        return size;
    }
    rawConsumed_ += end;
    payload_ += rawConsumed_ - 3;  // the body, without the `.` line
    readingDotBody_ = false;
    return end;
}

void LoadConnection::flush() {
    while (status_ == Status::Running && outputPending()) {
        const char* data;
        std::size_t size;
        if (outputOffset_ < output_.size()) {
            data = output_.data() + outputOffset_;
            size = output_.size() - outputOffset_;
        } else if (bodyLeft_ > 0) {
            data = bodyPattern().data() + bodySent_ % kLineBytes;
            size = static_cast<std::size_t>(std::min<std::uint64_t>(bodyLeft_, kWriteChunk));
        } else {
            output_ = "\r\n";  // the body's last line end
            outputOffset_ = 0;
            bodyTrailer_ = false;
            continue;
        }
        ssize_t sent = ::send(fd_, data, size, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (sent < 0) {
            fail(std::string("send: ") + std::strerror(errno));
            return;
        }
        auto count = static_cast<std::size_t>(sent);
        if (outputOffset_ < output_.size()) {
            outputOffset_ += count;
            if (outputOffset_ == output_.size()) {
                output_.clear();
                outputOffset_ = 0;
            }
        } else {
            bodyLeft_ -= count;
            bodySent_ += count;
        }
    }
}

void LoadConnection::fail(const std::string& reason) {
    if (status_ == Status::Failed) return;
    status_ = Status::Failed;
    error_ = reason;
}

std::string LoadConnection::waitingFor() const {
    if (!connected_) return "the connection";
    if (rawLeft_ > 0) return "literal bytes";
    if (readingDotBody_) return "the message body";
    if (next_ >= steps_.size()) return "nothing";
    const Step& step = steps_[next_];
    switch (step.kind) {
        case Step::Kind::ExpectLine:
            return "\"" + step.text + "\"";
        case Step::Kind::ExpectTagged:
            return "\"" + step.text + " OK\"";
        case Step::Kind::ExpectSmtp:
            return "SMTP " + step.text;
        case Step::Kind::ReadLiteral:
            return "a literal {N}";
        case Step::Kind::ExpectEof:
            return "the close";
        default:
            return "step " + std::to_string(next_);
    }
}

}  // namespace mailwire::load
