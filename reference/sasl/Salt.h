// The APOP / CRAM-MD5 salt (spec 3.7); the challenge line is SaslPrompt::line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mailwire::sasl {

// "<R.T@server_name>": R a random number (nginx: random()), T the Unix time in seconds. No CRLF.
std::string formatSalt(unsigned long random, int64_t unixTime, std::string_view serverName);

}  // namespace mailwire::sasl
