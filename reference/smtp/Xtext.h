// xtext (RFC 1891) as nginx writes XCLIENT LOGIN= (spec 8.6, nginx >= 1.29.2).
#pragma once

#include <string>
#include <string_view>

namespace mailwire::smtp {

// Bytes 0x00-0x20, '+', '=', 0x7F and 0x80-0xFF become "+XX" (uppercase hex); the rest pass unchanged.
std::string encodeXtext(std::string_view raw);

}  // namespace mailwire::smtp
