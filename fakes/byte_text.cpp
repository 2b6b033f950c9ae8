#include "byte_text.h"

#include <cstdio>

namespace mailwire::fake {

std::string bytesToJsonString(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + 2);
    out.push_back('"');
    for (unsigned char c : bytes) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                if (c < 0x20 || c >= 0x7f) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                    out += escaped;
                } else {
                    out.push_back(static_cast<char>(c));
                }
        }
    }
    out.push_back('"');
    return out;
}

bool bytesFromLatin1Text(std::string_view utf8, std::string& bytes, std::string& error) {
    bytes.clear();
    bytes.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size();) {
        unsigned char lead = static_cast<unsigned char>(utf8[i]);
        if (lead < 0x80) {
            bytes.push_back(static_cast<char>(lead));
            ++i;
            continue;
        }
        std::size_t length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
        if (length == 0 || i + length > utf8.size()) {
            error = "invalid UTF-8 at byte " + std::to_string(i);
            return false;
        }
        unsigned long codePoint = lead & (0x7f >> length);
        for (std::size_t k = 1; k < length; ++k) {
            unsigned char next = static_cast<unsigned char>(utf8[i + k]);
            if ((next & 0xc0) != 0x80) {
                error = "invalid UTF-8 at byte " + std::to_string(i);
                return false;
            }
            codePoint = (codePoint << 6) | (next & 0x3f);
        }
        if (codePoint > 0xff) {
            char text[64];
            std::snprintf(text, sizeof text, "code point U+%04lX at character %zu is above U+00FF", codePoint,
                          bytes.size());
            error = std::string(text) + " (strings stand for bytes, one code point U+0000..U+00FF per byte)";
            return false;
        }
        bytes.push_back(static_cast<char>(codePoint));
        i += length;
    }
    return true;
}

}  // namespace mailwire::fake
