#include "smtp/Xtext.h"

namespace mailwire::smtp {

std::string encodeXtext(std::string_view raw) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(raw.size());
    for (const char c : raw) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == '+' || byte == '=' || byte >= 0x7F) {
            out += '+';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0F];
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace mailwire::smtp
