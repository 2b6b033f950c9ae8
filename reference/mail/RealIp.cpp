#include "mail/RealIp.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>

namespace mailwire::mail {

namespace {

bool prefixMatches(const unsigned char* address, const unsigned char* network, int bits) {
    const int whole = bits / 8;
    if (std::memcmp(address, network, static_cast<size_t>(whole)) != 0) return false;
    const int rest = bits % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
    return (address[whole] & mask) == (network[whole] & mask);
}

}  // namespace

bool peerIsTrusted(const std::vector<config::RealIpSource>& trusted, int peerFamily,
                   const std::string& peerIp) {
    unsigned char address[16] = {};
    int family = 0;
    if (peerFamily != AF_UNIX) {
        if (inet_pton(AF_INET, peerIp.c_str(), address) == 1) {
            family = AF_INET;
        } else if (inet_pton(AF_INET6, peerIp.c_str(), address) == 1) {
            family = AF_INET6;
            static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
            if (std::memcmp(address, kMapped, sizeof kMapped) == 0) {
                std::memmove(address, address + 12, 4);
                family = AF_INET;
            }
        } else {
            return false;
        }
    }
    for (const auto& source : trusted) {
        if (source.unixSocket) {
            if (peerFamily == AF_UNIX) return true;
            continue;
        }
        if (peerFamily == AF_UNIX || source.family != family) continue;
        if (prefixMatches(address, source.address, source.prefixLength)) return true;
    }
    return false;
}

std::string canonicalAddress(const std::string& text, int& family) {
    unsigned char binary[16];
    char out[INET6_ADDRSTRLEN] = {};
    for (const int candidate : {AF_INET, AF_INET6}) {
        if (inet_pton(candidate, text.c_str(), binary) == 1 &&
            inet_ntop(candidate, binary, out, sizeof out)) {
            family = candidate;
            return out;
        }
    }
    return {};
}

}  // namespace mailwire::mail
