// What -v prints, and the program name every stderr message starts with.
#pragma once

namespace mailwire::app {

inline constexpr const char* kProgramName = "mailwire-proxy";
inline constexpr const char* kVersion = "mailwire/0.1.0";
inline constexpr const char* kVersionLine =
    "mailwire-proxy version: mailwire/0.1.0 (nginx/1.31.5 mail behaviour)";

}  // namespace mailwire::app
