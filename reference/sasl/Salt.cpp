#include "sasl/Salt.h"

#include "sasl/Base64.h"

namespace mailwire::sasl {

std::string formatSalt(unsigned long random, int64_t unixTime, std::string_view serverName) {
    std::string salt = "<" + std::to_string(random) + "." + std::to_string(unixTime) + "@";
    salt.append(serverName);
    salt += '>';
    return salt;
}

std::string cramMd5Challenge(std::string_view prefix, std::string_view salt) {
    std::string line(prefix);
    line += encodeBase64(salt);
    line += "\r\n";
    return line;
}

}  // namespace mailwire::sasl
