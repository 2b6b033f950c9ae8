#include "port_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace mailwire::fake {

void writePortFile(const std::string& path, std::uint16_t port) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::out | std::ios::trunc);
        out << port << "\n";
        out.flush();
        if (!out) throw std::runtime_error("cannot write port file " + temporary);
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0)
        throw std::runtime_error("cannot rename " + temporary + " to " + path + ": " + std::strerror(errno));
}

}  // namespace mailwire::fake
