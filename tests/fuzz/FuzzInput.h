// How every target reads libFuzzer's bytes: a few leading option bytes, then the payload, which stream
// targets cut into reads of pseudo-random sizes so that state carried between reads gets exercised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace mailwire::fuzz {

class FuzzInput {
  public:
    FuzzInput(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

    // The next option byte; 0 once the input is used up, so a short input still means something.
    uint8_t byte() {
        if (rest_.empty()) return 0;
        const auto value = static_cast<uint8_t>(rest_.front());
        rest_.remove_prefix(1);
        return value;
    }

    std::string_view rest() const { return rest_; }

  private:
    std::string_view rest_;
};

// Cuts `payload` into reads of 1..maxRead bytes; the sizes come from `seed`, so mutating one option byte
// re-splits the same stream. seed 0 means "one read of everything" (the corpus seeds' default).
inline std::vector<std::string_view> splitIntoReads(std::string_view payload, uint8_t seed,
                                                    size_t maxRead = 64) {
    std::vector<std::string_view> reads;
    if (seed == 0) {
        if (!payload.empty()) reads.push_back(payload);
        return reads;
    }
    uint32_t state = seed * 2654435761u;
    while (!payload.empty()) {
        state = state * 1103515245u + 12345u;
        const size_t size = std::min(payload.size(), 1 + (state >> 16) % maxRead);
        reads.push_back(payload.substr(0, size));
        payload.remove_prefix(size);
    }
    return reads;
}

// An invariant broke: print why and abort, which libFuzzer records as a crash with the input that did it.
[[noreturn]] inline void violated(const char* what, std::string_view detail = {}) {
    std::fprintf(stderr, "invariant violated: %s: \"%.*s\"\n", what, static_cast<int>(detail.size()),
                 detail.data());
    std::abort();
}

inline bool endsWithCrlf(std::string_view text) {
    return text.size() >= 2 && text.substr(text.size() - 2) == "\r\n";
}

}  // namespace mailwire::fuzz
