// daemon on: detach like nginx (fork, the parent exits, setsid, stdin/stdout to /dev/null).
#pragma once

#include <string>

namespace mailwire::app {

// Returns in the detached child only; false with an nginx-style error text if fork() or setsid() failed.
bool daemonize(bool keepStderr, std::string& error);

}  // namespace mailwire::app
