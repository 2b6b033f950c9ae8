#pragma once

#include <string>
#include <string_view>

namespace mailwire::fake {

// Fakes move raw bytes, but JSON only carries text: each byte travels as one code point U+0000..U+00FF
// (Python reads it back with `data.encode("latin-1")`).

// The bytes as a quoted JSON string: \r \n \" \\ escaped, other controls, DEL and bytes >= 0x80 as \u00XX.
std::string bytesToJsonString(std::string_view bytes);

// UTF-8 text (as a JSON parser hands it over) back to bytes. Returns false and sets `error` when the text
// is not valid UTF-8 or holds a code point above U+00FF.
bool bytesFromLatin1Text(std::string_view utf8, std::string& bytes, std::string& error);

}  // namespace mailwire::fake
