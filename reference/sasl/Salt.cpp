#include "sasl/Salt.h"

namespace mailwire::sasl {

std::string formatSalt(unsigned long random, int64_t unixTime, std::string_view serverName) {
    std::string salt = "<" + std::to_string(random) + "." + std::to_string(unixTime) + "@";
    salt.append(serverName);
    salt += '>';
    return salt;
}

}  // namespace mailwire::sasl
