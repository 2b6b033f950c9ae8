// nginx's value syntaxes: numbers, sizes (4k, 1m), times (10s, 1h30m, 500ms, bare = seconds), on|off.
// Pure functions: they say whether the text was valid; the directive handlers word the errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/MailConfig.h"

namespace mailwire::config {

// ngx_atoi: one or more decimal digits, no sign, fits in int32.
std::optional<int64_t> parseNumber(const std::string& text);

// ngx_parse_size: digits with an optional k/K, m/M or g/G suffix.
std::optional<int64_t> parseSize(const std::string& text);

// ngx_parse_time. `seconds` false: result in milliseconds, `ms` allowed, y/M not, total <= INT32_MAX ms.
// `seconds` true: result in seconds, `ms` not allowed.
std::optional<int64_t> parseTime(const std::string& text, bool seconds = false);

// "on" / "off", case-insensitive.
std::optional<bool> parseFlag(const std::string& text);

bool equalsIgnoreCase(const std::string& a, const std::string& b);

// ngx_ptocidr: "a.b.c.d", an IPv6 address, either with "/bits". HostBitsCleared: the address had bits set
// beyond the prefix; they are cleared in `out` (nginx warns "low address bits of ... are meaningless").
enum class CidrParse { Invalid, Exact, HostBitsCleared };
CidrParse parseCidr(const std::string& text, RealIpSource& out);

}  // namespace mailwire::config
