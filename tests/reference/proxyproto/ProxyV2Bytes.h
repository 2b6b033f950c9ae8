// Hand-built PROXY v2 headers for the tests.
#pragma once

#include <string>

#include "proxyproto/ProxyHeader.h"

namespace mailwire::proxyproto {

// Signature, the two type bytes, the big-endian length of `block`, then `block` (addresses and TLVs).
inline std::string v2Header(int versionCommand, int familyTransport, const std::string& block) {
    std::string header(kV2Signature);
    header.push_back(static_cast<char>(versionCommand));
    header.push_back(static_cast<char>(familyTransport));
    header.push_back(static_cast<char>((block.size() >> 8) & 0xff));
    header.push_back(static_cast<char>(block.size() & 0xff));
    return header + block;
}

}  // namespace mailwire::proxyproto
