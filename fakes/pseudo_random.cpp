#include "pseudo_random.h"

namespace mailwire::fake {

std::string splitmix64Bytes(std::uint64_t seed, std::size_t count) {
    std::string bytes;
    bytes.reserve(count);
    std::uint64_t state = seed;
    while (bytes.size() < count) {
        state += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        for (int i = 0; i < 8 && bytes.size() < count; ++i)
            bytes.push_back(static_cast<char>((z >> (8 * i)) & 0xFF));
    }
    return bytes;
}

}  // namespace mailwire::fake
