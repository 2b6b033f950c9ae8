#include "config/ValueParsers.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>

namespace mailwire::config {

namespace {

constexpr int64_t kInt32Max = 2147483647;

// ngx_inet_addr: four dotted decimal octets (an empty octet counts as 0, as in nginx).
bool parseIpv4(const std::string& text, unsigned char out[4]) {
    unsigned octet = 0;
    int dots = 0;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            octet = octet * 10 + static_cast<unsigned>(c - '0');
            if (octet > 255) return false;
        } else if (c == '.' && dots < 3) {
            out[dots++] = static_cast<unsigned char>(octet);
            octet = 0;
        } else {
            return false;
        }
    }
    if (dots != 3) return false;
    out[3] = static_cast<unsigned char>(octet);
    return true;
}

}  // namespace

bool equalsIgnoreCase(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

std::optional<int64_t> parseNumber(const std::string& text) {
    if (text.empty()) return std::nullopt;
    int64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
        if (value > kInt32Max) return std::nullopt;
    }
    return value;
}

std::optional<int64_t> parseSize(const std::string& text) {
    if (text.empty()) return std::nullopt;
    int64_t scale = 1;
    std::string digits = text;
    switch (text.back()) {
        case 'k':
        case 'K':
            scale = 1024;
            break;
        case 'm':
        case 'M':
            scale = 1024 * 1024;
            break;
        case 'g':
        case 'G':
            scale = 1024LL * 1024 * 1024;
            break;
        default:
            break;
    }
    if (scale != 1) digits.pop_back();
    auto n = parseNumber(digits);
    if (!n || *n > kInt32Max / scale) return std::nullopt;
    return *n * scale;
}

std::optional<int64_t> parseTime(const std::string& text, bool seconds) {
    // Units must appear from largest to smallest, each at most once: y M w d h m s ms.
    enum Step { Start, Year, Month, Week, Day, Hour, Min, Sec, Msec, Last };
    Step step = seconds ? Start : Month;
    const int64_t limit = kInt32Max;  // in the result's unit, like nginx's ngx_int_t time values
    int64_t total = 0;
    int64_t value = 0;
    bool valid = false;
    size_t i = 0;
    while (i < text.size()) {
        char c = text[i++];
        if (c >= '0' && c <= '9') {
            value = value * 10 + (c - '0');
            if (value > kInt32Max) return std::nullopt;
            valid = true;
            continue;
        }
        int64_t scaleSec = 0;  // unit length in seconds; -1 for ms
        Step unit;
        switch (c) {
            case 'y':
                unit = Year, scaleSec = 365LL * 24 * 3600;
                break;
            case 'M':
                unit = Month, scaleSec = 30LL * 24 * 3600;
                break;
            case 'w':
                unit = Week, scaleSec = 7LL * 24 * 3600;
                break;
            case 'd':
                unit = Day, scaleSec = 24 * 3600;
                break;
            case 'h':
                unit = Hour, scaleSec = 3600;
                break;
            case 'm':
                if (i < text.size() && text[i] == 's') {
                    if (seconds) return std::nullopt;
                    ++i;
                    unit = Msec, scaleSec = -1;
                } else {
                    unit = Min, scaleSec = 60;
                }
                break;
            case 's':
                unit = Sec, scaleSec = 1;
                break;
            case ' ':
                unit = Last, scaleSec = 1;
                break;
            default:
                return std::nullopt;
        }
        if (step >= unit) return std::nullopt;
        if (unit == Last) return std::nullopt;  // nginx only allows spaces between units
        step = unit;
        int64_t scale = scaleSec < 0 ? 1 : (seconds ? scaleSec : scaleSec * 1000);
        if (value > limit / scale) return std::nullopt;
        value *= scale;
        if (total > limit - value) return std::nullopt;
        total += value;
        value = 0;
        while (i < text.size() && text[i] == ' ') ++i;
    }
    if (!valid) return std::nullopt;
    if (value != 0 || (i > 0 && text.back() >= '0' && text.back() <= '9')) {
        // A trailing bare number counts as seconds.
        if (step >= Sec) return std::nullopt;
        int64_t scale = seconds ? 1 : 1000;
        if (value > limit / scale) return std::nullopt;
        value *= scale;
        if (total > limit - value) return std::nullopt;
        total += value;
    }
    return total;
}

std::optional<bool> parseFlag(const std::string& text) {
    if (equalsIgnoreCase(text, "on")) return true;
    if (equalsIgnoreCase(text, "off")) return false;
    return std::nullopt;
}

CidrParse parseCidr(const std::string& text, RealIpSource& out) {
    const size_t slash = text.find('/');
    const std::string address = text.substr(0, slash);
    RealIpSource cidr;
    if (parseIpv4(address, cidr.address)) {
        cidr.family = AF_INET;
        cidr.prefixLength = 32;
    } else if (::inet_pton(AF_INET6, address.c_str(), cidr.address) == 1) {
        cidr.family = AF_INET6;
        cidr.prefixLength = 128;
    } else {
        return CidrParse::Invalid;
    }
    CidrParse result = CidrParse::Exact;
    if (slash != std::string::npos) {
        auto bits = parseNumber(text.substr(slash + 1));
        if (!bits || *bits > cidr.prefixLength) return CidrParse::Invalid;
        cidr.prefixLength = static_cast<int>(*bits);
        const int bytes = cidr.family == AF_INET ? 4 : 16;
        for (int i = 0; i < bytes; ++i) {
            const int keep = std::max(0, std::min(8, cidr.prefixLength - 8 * i));
            const auto mask = static_cast<unsigned char>(0xff00u >> keep);
            if (cidr.address[i] & ~mask) {
                result = CidrParse::HostBitsCleared;
                cidr.address[i] &= mask;
            }
        }
    }
    out = cidr;
    return result;
}

}  // namespace mailwire::config
