// XCLIENT LOGIN= xtext (RFC 1891) as the proxy encodes it. Properties: the encoding is printable ASCII with
// no space, '+' only as "+XX" (uppercase hex) and no raw '='; decoding it by the RFC gives the input back.
#include "smtp/Xtext.h"

#include <optional>

#include "FuzzInput.h"

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;  // RFC 1891: uppercase only
}

// The receiving side, written from RFC 1891 section 4: "+" followed by two uppercase hex digits.
std::optional<std::string> decodeXtext(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x21 || c > 0x7e || c == '=') return std::nullopt;
        if (c != '+') {
            out.push_back(static_cast<char>(c));
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;  // a '+' needs two digits after it
        const int high = hexValue(text[i + 1]);
        const int low = hexValue(text[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mailwire;
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    const std::string encoded = smtp::encodeXtext(raw);
    const std::optional<std::string> decoded = decodeXtext(encoded);
    if (!decoded) fuzz::violated("the encoding is not valid xtext", encoded);
    if (*decoded != raw) fuzz::violated("decode(encode(x)) != x", encoded);
    return 0;
}
