#include "proxyproto/ProxyHeader.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

namespace mailwire::proxyproto {

namespace {

constexpr std::string_view kV1Prefix = "PROXY ";
// The longest address text inet_pton could accept ("ffff:...:255.255.255.255").
constexpr size_t kMaxAddressText = INET6_ADDRSTRLEN - 1;
constexpr size_t kV2FixedLength = 16;  // signature, version/command, family/transport, length
constexpr size_t kV2Inet4Block = 12;   // two addresses of 4 bytes, two ports
constexpr size_t kV2Inet6Block = 36;   // two addresses of 16 bytes, two ports

std::string firstLineOf(std::string_view in) {
    return std::string(in.substr(0, std::min(in.find_first_of("\r\n"), in.size())));
}

ParseResult failure(ParseResult::Status status, std::string_view in, std::string errorLog) {
    ParseResult result;
    result.status = status;
    result.firstLine = firstLineOf(in);
    result.errorLog = std::move(errorLog);
    return result;
}

// nginx reads v1 (and anything that is not v2) with one routine whose only complaint is this line.
ParseResult brokenHeader(ParseResult::Status status, std::string_view in) {
    return failure(status, in, "broken header: \"" + firstLineOf(in) + "\"");
}

// Whether `in` from `pos` holds `literal`, a prefix of it (the bytes ran out), or something else.
enum class Match { Full, Short, Mismatch };

Match matchLiteral(std::string_view in, size_t pos, std::string_view literal) {
    const std::string_view have = in.substr(std::min(pos, in.size()), literal.size());
    if (literal.compare(0, have.size(), have) != 0) return Match::Mismatch;
    return have.size() == literal.size() ? Match::Full : Match::Short;
}

bool isAddressChar(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

// One v1 header, read as far as the bytes go. `in` starts with a prefix of "PROXY " (or all of it).
class V1Reader {
  public:
    explicit V1Reader(std::string_view in)
        : in_(in),
          window_(in.substr(0, kMaxV1HeaderLength)),
          // With a full window, running out of bytes means the line is longer than v1 allows.
          runOut_(in.size() >= kMaxV1HeaderLength ? ParseResult::Invalid : ParseResult::Incomplete) {}

    ParseResult read() {
        switch (matchLiteral(window_, 0, kV1Prefix)) {
            case Match::Mismatch:
                return invalid();
            case Match::Short:
                return ranOut();
            case Match::Full:
                break;
        }
        pos_ = kV1Prefix.size();
        if (pos_ < window_.size() && window_[pos_] == 'U') return readUnknown();
        return readTcp();
    }

  private:
    ParseResult invalid() const { return brokenHeader(ParseResult::Invalid, in_); }
    ParseResult ranOut() const { return brokenHeader(runOut_, in_); }

    ParseResult ok() const {
        ParseResult result = result_;
        result.status = ParseResult::Ok;
        result.length = pos_;
        return result;
    }

    // "UNKNOWN", then anything up to the first CRLF.
    ParseResult readUnknown() {
        switch (matchLiteral(window_, pos_, "UNKNOWN")) {
            case Match::Mismatch:
                return invalid();
            case Match::Short:
                return ranOut();
            case Match::Full:
                break;
        }
        const size_t crlf = window_.find("\r\n", pos_ + 7);
        if (crlf == std::string_view::npos) return ranOut();
        pos_ = crlf + 2;
        return ok();
    }

    // "TCP4 " or "TCP6 ", then `src dst sport dport\r\n`, each field followed by exactly one separator.
    ParseResult readTcp() {
        const Match tcp4 = matchLiteral(window_, pos_, "TCP4 ");
        const Match tcp6 = matchLiteral(window_, pos_, "TCP6 ");
        if (tcp4 == Match::Full) {
            result_.family = AF_INET;
        } else if (tcp6 == Match::Full) {
            result_.family = AF_INET6;
        } else if (tcp4 == Match::Short || tcp6 == Match::Short) {
            return ranOut();
        } else {
            return invalid();
        }
        pos_ += 5;

        std::optional<ParseResult> failed;
        if ((failed = readAddress(result_.sourceIp)) || (failed = readAddress(result_.destinationIp)) ||
            (failed = readPort(' ', result_.sourcePort)) ||
            (failed = readPort('\r', result_.destinationPort))) {
            return *failed;
        }
        if (pos_ >= window_.size()) return ranOut();
        if (window_[pos_++] != '\n') return invalid();
        result_.hasAddresses = true;
        return ok();
    }

    // An address of the announced family, then a space.
    std::optional<ParseResult> readAddress(std::string& text) {
        const size_t start = pos_;
        for (;; ++pos_) {
            if (pos_ >= window_.size()) return ranOut();
            const char c = window_[pos_];
            if (c == ' ') break;
            if (!isAddressChar(c) || pos_ - start >= kMaxAddressText) return invalid();
        }
        // Like nginx, only the characters are checked: "TCP4 ::1" passes, and realip later ignores a
        // source that is not an address.
        text.assign(window_.substr(start, pos_ - start));
        ++pos_;
        return std::nullopt;
    }

    // Digits up to `sep`, at most 65535; as nginx's ngx_atoi, leading zeros are fine and a sign is not.
    std::optional<ParseResult> readPort(char sep, uint16_t& port) {
        const size_t start = pos_;
        uint32_t value = 0;
        for (;; ++pos_) {
            if (pos_ >= window_.size()) return ranOut();
            const char c = window_[pos_];
            if (c == sep) break;
            if (c < '0' || c > '9') return invalid();
            value = value * 10 + static_cast<uint32_t>(c - '0');
            if (value > 65535) return invalid();
        }
        if (pos_ == start) return invalid();
        ++pos_;
        port = static_cast<uint16_t>(value);
        return std::nullopt;
    }

    const std::string_view in_;
    const std::string_view window_;  // the bytes a v1 header may occupy
    const ParseResult::Status runOut_;
    size_t pos_ = 0;
    ParseResult result_;
};

uint16_t readUint16(std::string_view in, size_t at) {
    return static_cast<uint16_t>((static_cast<unsigned char>(in[at]) << 8) |
                                 static_cast<unsigned char>(in[at + 1]));
}

std::string addressText(int family, const char* binary) {
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, binary, text, sizeof text);
    return text;
}

// `in` starts with the whole v2 signature.
ParseResult readV2(std::string_view in) {
    if (in.size() <= kV2Signature.size()) return brokenHeader(ParseResult::Incomplete, in);
    const auto versionCommand = static_cast<unsigned char>(in[12]);
    const unsigned version = versionCommand >> 4;
    const unsigned command = versionCommand & 0x0f;
    if (version != 2) {
        return failure(ParseResult::Invalid, in,
                       "unknown PROXY protocol version: " + std::to_string(version));
    }
    // Fewer bytes than the fixed part: nginx does not see a v2 header at all.
    if (in.size() < kV2FixedLength) return brokenHeader(ParseResult::Incomplete, in);

    const size_t blockLength = readUint16(in, 14);
    const size_t total = kV2FixedLength + blockLength;
    if (total > kMaxHeaderLength) return failure(ParseResult::Invalid, in, "header is too large");
    if (total > in.size()) return failure(ParseResult::Incomplete, in, "header is too large");

    ParseResult result;
    result.status = ParseResult::Ok;
    result.length = total;

    const auto familyTransport = static_cast<unsigned char>(in[13]);
    const unsigned family = familyTransport >> 4;
    const unsigned transport = familyTransport & 0x0f;
    // LOCAL, a transport other than STREAM, or a family other than INET and INET6: no addresses. Any TLVs
    // are inside `total` and skipped.
    // nginx reads any command but PROXY as LOCAL: no addresses, and the connection goes on.
    if (command != 1 || transport != 1 || (family != 1 && family != 2)) return result;

    const size_t addressLength = family == 1 ? 4 : 16;
    if (blockLength < (family == 1 ? kV2Inet4Block : kV2Inet6Block)) {
        return failure(ParseResult::Invalid, in, "");  // nginx closes without an error-level line
    }

    const std::string_view block = in.substr(kV2FixedLength, blockLength);
    result.family = family == 1 ? AF_INET : AF_INET6;
    result.hasAddresses = true;
    result.sourceIp = addressText(result.family, block.data());
    result.destinationIp = addressText(result.family, block.data() + addressLength);
    result.sourcePort = readUint16(block, 2 * addressLength);
    result.destinationPort = readUint16(block, 2 * addressLength + 2);
    return result;
}

}  // namespace

ParseResult parseProxyHeader(std::string_view peeked) {
    const std::string_view in = peeked.substr(0, kMaxHeaderLength);
    if (in.empty()) return brokenHeader(ParseResult::Incomplete, in);

    if (in[0] == kV2Signature[0]) {
        switch (matchLiteral(in, 0, kV2Signature)) {
            case Match::Mismatch:
                return brokenHeader(ParseResult::Invalid, in);
            case Match::Short:
                return brokenHeader(ParseResult::Incomplete, in);
            case Match::Full:
                return readV2(in);
        }
    }
    return V1Reader(in).read();
}

}  // namespace mailwire::proxyproto
