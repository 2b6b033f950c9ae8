#pragma once

#include <cstdint>
#include <string>

namespace mailwire::fake {

// Writes "PORT\n" to FILE.tmp and renames it to FILE, so a reader polling FILE never sees half of it.
// Throws std::runtime_error naming the file.
void writePortFile(const std::string& path, std::uint16_t port);

}  // namespace mailwire::fake
