#include "app/CommandLine.h"

#include "app/Version.h"

namespace mailwire::app {

namespace {

// "-c" value: attached to the flag, else the next argument; nginx names what is missing.
bool takeValue(const std::vector<std::string>& args, size_t& i, const std::string& arg, size_t& pos,
               char flag, const char* missing, std::string& into, std::string& error) {
    if (pos < arg.size()) {
        into = arg.substr(pos);
        pos = arg.size();
        return true;
    }
    if (i + 1 < args.size()) {
        into = args[++i];
        pos = arg.size();
        return true;
    }
    error = std::string("option \"-") + flag + "\" requires " + missing;
    return false;
}

std::string withSlash(std::string path) {
    if (path.empty() || path.back() != '/') path += '/';
    return path;
}

std::string underPrefix(const std::string& prefix, const std::string& path) {
    if (!path.empty() && path[0] == '/') return path;
    return prefix + path;
}

}  // namespace

bool parseCommandLine(const std::vector<std::string>& args, CommandLine& out, std::string& error) {
    CommandLine cmd;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string arg = args[i];
        if (arg.empty() || arg[0] != '-') {
            error = "invalid option: \"" + arg + "\"";
            return false;
        }
        size_t pos = 1;
        while (pos < arg.size()) {
            const char flag = arg[pos++];
            switch (flag) {
                case '?':
                case 'h':
                    cmd.version = cmd.help = true;
                    break;
                case 'v':
                    cmd.version = true;
                    break;
                case 'V':
                    cmd.version = cmd.configureInfo = true;
                    break;
                case 't':
                    cmd.testConfig = true;
                    break;
                case 'q':
                    cmd.quiet = true;
                    break;
                case 'p':
                    if (!takeValue(args, i, arg, pos, flag, "directory name", cmd.prefix, error))
                        return false;
                    break;
                case 'e':
                    if (!takeValue(args, i, arg, pos, flag, "file name", cmd.errorLog, error)) return false;
                    break;
                case 'c':
                    if (!takeValue(args, i, arg, pos, flag, "file name", cmd.confFile, error)) return false;
                    break;
                case 's':
                    if (!takeValue(args, i, arg, pos, flag, "parameter", cmd.signal, error)) return false;
                    if (cmd.signal != "stop" && cmd.signal != "quit" && cmd.signal != "reopen" &&
                        cmd.signal != "reload") {
                        error = "invalid option: \"-s " + cmd.signal + "\"";
                        return false;
                    }
                    break;
                default:
                    error = std::string("invalid option: \"") + flag + "\"";
                    return false;
            }
        }
    }
    out = cmd;
    return true;
}

StartupPaths resolveStartupPaths(const CommandLine& cmd, const std::string& currentDirectory) {
    StartupPaths paths;
    paths.prefix = withSlash(cmd.prefix.empty() ? currentDirectory
                                                : underPrefix(withSlash(currentDirectory), cmd.prefix));
    paths.confFile = underPrefix(paths.prefix, cmd.confFile.empty() ? "conf/nginx.conf" : cmd.confFile);
    if (cmd.errorLog == "stderr")
        paths.errorLog = "stderr";
    else
        paths.errorLog = underPrefix(paths.prefix, cmd.errorLog.empty() ? "logs/error.log" : cmd.errorLog);
    return paths;
}

std::string usageText() {
    return std::string("Usage: ") + kProgramName +
           " [-?hvVtq] [-s signal] [-p prefix]\n"
           "             [-e filename] [-c filename]\n"
           "\n"
           "Options:\n"
           "  -?,-h         : this help\n"
           "  -v            : show version and exit\n"
           "  -V            : show version and build information then exit\n"
           "  -t            : test configuration and exit\n"
           "  -q            : suppress non-error messages during configuration testing\n"
           "  -s signal     : send signal to a master process: stop, quit, reopen, reload\n"
           "  -p prefix     : set prefix path (default: the current directory)\n"
           "  -e filename   : set error log file (default: logs/error.log)\n"
           "  -c filename   : set configuration file (default: conf/nginx.conf)\n"
           "\n";
}

}  // namespace mailwire::app
