// The APOP / CRAM-MD5 salt and challenge (spec 3.7).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mailwire::sasl {

// "<R.T@server_name>": R a random number (nginx: random()), T the Unix time in seconds. No CRLF.
std::string formatSalt(unsigned long random, int64_t unixTime, std::string_view serverName);

// The CRAM-MD5 challenge line: `prefix` ("+ " for IMAP/POP3, "334 " for SMTP), base64 of the salt, CRLF.
std::string cramMd5Challenge(std::string_view prefix, std::string_view salt);

}  // namespace mailwire::sasl
