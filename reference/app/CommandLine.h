// nginx's command line (-c -p -e -t -q -v -V -h -? -s), parsed the way ngx_get_options does: flags may be
// bundled ("-tq"), option values may be attached ("-cfile") or separate ("-c file").
#pragma once

#include <string>
#include <vector>

namespace mailwire::app {

struct CommandLine {
    bool help = false;
    bool version = false;
    bool configureInfo = false;  // -V
    bool testConfig = false;
    bool quiet = false;
    std::string prefix;    // -p as given (empty: not given)
    std::string confFile;  // -c as given
    std::string errorLog;  // -e as given
    std::string signal;    // -s: stop | quit | reopen | reload
};

// Returns false with the message nginx prints after "<program>: ", e.g. `invalid option: "x"`.
bool parseCommandLine(const std::vector<std::string>& args, CommandLine& out, std::string& error);

// The paths nginx derives from the options: prefix with a trailing slash (default: the current directory),
// the config file (default conf/nginx.conf) and the startup error log (default logs/error.log; "stderr"
// kept).
struct StartupPaths {
    std::string prefix;
    std::string confFile;
    std::string errorLog;
};
StartupPaths resolveStartupPaths(const CommandLine& cmd, const std::string& currentDirectory);

std::string usageText();  // what -h prints after the version line

}  // namespace mailwire::app
