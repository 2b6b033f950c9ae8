#include "split_send.h"

#include <algorithm>

#include "script_json.h"

namespace mailwire::fake {

using namespace script_json;

std::size_t SplitSend::pieceLength(std::size_t index, std::size_t offset, std::size_t total) const {
    std::size_t left = total - std::min(offset, total);
    if (perByte) return std::min<std::size_t>(1, left);
    if (index < sizes.size()) return std::min(sizes[index], left);
    return left;
}

SplitSend splitFromJson(const Poco::JSON::Object::Ptr& object, std::size_t length, const std::string& source,
                        const std::string& where) {
    SplitSend split;
    if (object->has("split")) {
        const Poco::Dynamic::Var value = object->get("split");
        const std::string at = where + ".split";
        if (value.isString()) {
            if (value.extract<std::string>() != "bytes")
                fail(source, at,
                     "expected \"bytes\" or an array of piece sizes, got \"" + value.toString() + "\"");
            split.perByte = true;
        } else if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
            auto sizes = value.extract<Poco::JSON::Array::Ptr>();
            if (sizes->size() == 0) fail(source, at, "needs at least one piece size");
            std::uint64_t sum = 0;
            for (std::size_t i = 0; i < sizes->size(); ++i) {
                const std::string each = at + "[" + std::to_string(i) + "]";
                std::uint64_t size = asCount(sizes->get(static_cast<unsigned>(i)), source, each, UINT64_MAX);
                if (size == 0) fail(source, each, "a piece is at least 1 byte");
                sum += std::min<std::uint64_t>(size, length + 1);
                if (sum > length)
                    fail(source, at,
                         "the pieces add up to more than the " + std::to_string(length) +
                             " bytes this step writes");
                split.sizes.push_back(static_cast<std::size_t>(size));
            }
        } else {
            fail(source, at, "expected \"bytes\" or an array of piece sizes, got " + kindOf(value));
        }
    }
    if (object->has("gap_ms")) {
        if (!split.splits()) fail(source, where + ".gap_ms", "has no meaning without split");
        split.gapMs = asMilliseconds(object->get("gap_ms"), source, where + ".gap_ms");
    }
    return split;
}

}  // namespace mailwire::fake
