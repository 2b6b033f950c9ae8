#pragma once

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <string>
#include <vector>

namespace mailwire::fake {

// How one scripted write is cut into pieces, each its own write(2) call and its own `send` event
// (`"split"` and `"gap_ms"` in docs/fake-protocol.md). The default writes everything at once.
struct SplitSend {
    bool perByte = false;            // "split": "bytes"
    std::vector<std::size_t> sizes;  // "split": [N, M, ...]: pieces of N, M, ... bytes, then the rest
    int gapMs = 0;                   // "gap_ms": pause between pieces

    bool splits() const { return perByte || !sizes.empty(); }
    // The length of piece `index`, which starts `offset` bytes into a write of `total` bytes.
    std::size_t pieceLength(std::size_t index, std::size_t offset, std::size_t total) const;

    bool operator==(const SplitSend& other) const {
        return perByte == other.perByte && sizes == other.sizes && gapMs == other.gapMs;
    }
};

// Reads the optional "split" and "gap_ms" keys of a step or entry that writes `length` bytes. Throws
// ScriptError("<source>: <where>.split: ...") for a bad value, for sizes adding up to more than `length`,
// and for gap_ms without split.
SplitSend splitFromJson(const Poco::JSON::Object::Ptr& object, std::size_t length, const std::string& source,
                        const std::string& where);

}  // namespace mailwire::fake
