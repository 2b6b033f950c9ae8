// Base64 as nginx's mail module applies it to every SASL step (spec 3.5).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mailwire::sasl {

// Standard alphabet only; decoding stops at the first '=' (the rest is ignored); missing padding is fine;
// a length of 1 (mod 4) before the first '=' or any other character is an error (nullopt).
std::optional<std::string> decodeBase64(std::string_view encoded);

// Standard alphabet with '=' padding, no line breaks.
std::string encodeBase64(std::string_view raw);

}  // namespace mailwire::sasl
