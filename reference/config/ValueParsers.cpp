#include "config/ValueParsers.h"

#include <cctype>

namespace mailwire::config {

namespace {

constexpr int64_t kInt32Max = 2147483647;

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

}  // namespace mailwire::config
