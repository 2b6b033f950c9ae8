#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mailwire::fake {

// `count` bytes from splitmix64 seeded with `seed`: each output is 8 bytes, least significant first, and
// the last output is cut short. docs/fake-protocol.md ("send_random") gives the same in Python.
std::string splitmix64Bytes(std::uint64_t seed, std::size_t count);

}  // namespace mailwire::fake
