// -s stop|quit|reopen|reload: read the running master's pid and send it TERM/QUIT/USR1/HUP.
#pragma once

#include <string>

#include "core/Log.h"

namespace mailwire::app {

int signalNumberFor(const std::string& command);  // 0 for an unknown command

// Returns the process exit code; problems are logged the way nginx logs them ([error] open() ..., [alert]
// kill() ...).
int sendSignalCommand(const std::string& command, const std::string& pidFile, core::Log& log);

}  // namespace mailwire::app
