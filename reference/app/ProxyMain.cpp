#include "app/ProxyMain.h"

#include <Poco/Environment.h>
#include <limits.h>
#include <openssl/opensslv.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "app/CommandLine.h"
#include "app/Daemon.h"
#include "app/Generation.h"
#include "app/MasterProcess.h"
#include "app/PidFile.h"
#include "app/SignalCommand.h"
#include "app/SignalEvents.h"
#include "app/Version.h"
#include "app/WorkerProcess.h"

namespace mailwire::app {

namespace {

void toStderr(const std::string& line) {
    const std::string text = line + "\n";
    const ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
    (void)n;
}

std::string pocoVersion() {
    const unsigned v = Poco::Environment::libraryVersion();
    return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 0xff) + "." +
           std::to_string((v >> 8) & 0xff);
}

// The log nginx uses before the configuration is read: the -e target at level notice; stderr if it can't
// open.
std::unique_ptr<core::ErrorLog> openStartupLog(const std::string& target) {
    std::string error;
    auto log = core::openErrorLog({{target, "notice"}}, error);
    if (!log) {
        toStderr(std::string(kProgramName) + ": [alert] could not open error log file: " + error);
        log = core::openErrorLog({{"stderr", "notice"}}, error);
    }
    log->setStartupEcho(kProgramName);
    return log;
}

void logStartNotices(core::Log& log) {
    log.write(core::LogLevel::Notice, "using the \"epoll\" event method");
    log.write(core::LogLevel::Notice, std::string(kVersion) + " (nginx/1.31.5 mail behaviour)");
    utsname os{};
    if (::uname(&os) == 0)
        log.write(core::LogLevel::Notice, std::string("OS: ") + os.sysname + " " + os.release);
}

int run(const CommandLine& cmd) {
    char cwd[PATH_MAX] = {};
    if (!::getcwd(cwd, sizeof cwd)) cwd[0] = '/';
    const StartupPaths paths = resolveStartupPaths(cmd, cwd);
    auto startupLog = openStartupLog(paths.errorLog);

    const auto testFailed = [&] {
        if (cmd.testConfig)
            toStderr(std::string(kProgramName) + ": configuration file " + paths.confFile + " test failed");
        return 1;
    };

    std::shared_ptr<const tls::TlsContexts> tls;
    auto config = loadConfiguration(paths.confFile, paths.prefix, *startupLog, tls);
    if (!config) return testFailed();

    std::string error;
    auto mainLog = openMainLog(*config, paths.errorLog, error);
    std::unique_ptr<ServerLogs> serverLogs;
    if (mainLog) serverLogs = ServerLogs::open(*config, *mainLog, error);
    if (!serverLogs) {
        startupLog->write(core::LogLevel::Emerg, error);
        return testFailed();
    }
    mainLog->setStartupEcho(kProgramName);

    if (cmd.testConfig) {
        if (!cmd.quiet) {
            toStderr(std::string(kProgramName) + ": the configuration file " + paths.confFile +
                     " syntax is ok");
            toStderr(std::string(kProgramName) + ": configuration file " + paths.confFile +
                     " test is successful");
        }
        return 0;
    }
    if (!cmd.signal.empty()) return sendSignalCommand(cmd.signal, config->pidFile, *mainLog);

    blockProxySignals();  // before any fork, so every process reads its signals from a signalfd
    auto listeners = ListenerSet::open(config, nullptr, error);
    if (!listeners) {
        mainLog->write(core::LogLevel::Emerg, error);
        return 1;
    }
    logStartNotices(*mainLog);

    if (config->daemon) {
        bool logsToStderr = false;
        for (const auto& spec : config->errorLogs) logsToStderr = logsToStderr || spec.target == "stderr";
        if (config->errorLogs.empty()) logsToStderr = paths.errorLog == "stderr";
        if (!daemonize(logsToStderr, error)) {
            mainLog->write(core::LogLevel::Emerg, error);
            return 1;
        }
    }
    const std::string pidFile = config->pidFile;
    if (!pidFile.empty() && !writePidFile(pidFile, ::getpid(), error)) {
        mainLog->write(core::LogLevel::Emerg, error);
        return 1;
    }
    mainLog->clearStartupEcho();  // from here on, messages go to the configured logs only

    auto generation = std::make_unique<Generation>();
    generation->config = config;
    generation->listeners = std::move(listeners);
    generation->serverLogs = std::move(serverLogs);
    generation->tls = std::move(tls);
    GenerationBuilder builder(paths.confFile, paths.prefix, paths.errorLog, *mainLog);
    auto reload = [&builder](const Generation& current) { return builder.build(&current); };

    int code = 0;
    try {
        if (config->masterProcess) {
            MasterProcess master(*mainLog, std::move(generation), reload);
            code = master.run();
        } else {
            WorkerProcess single(*mainLog, std::move(generation), reload);
            code = single.run();
        }
    } catch (const std::exception& e) {
        mainLog->write(core::LogLevel::Alert, e.what());
        code = 1;
    }
    if (!pidFile.empty()) removePidFile(pidFile);
    mainLog->write(core::LogLevel::Notice, "exit");
    return code;
}

}  // namespace

int proxyMain(int argc, char** argv) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    CommandLine cmd;
    std::string error;
    if (!parseCommandLine(args, cmd, error)) {
        toStderr(std::string(kProgramName) + ": " + error);
        return 1;
    }
    if (cmd.version) {
        toStderr(kVersionLine);
        if (cmd.help) {
            std::string usage = usageText();
            usage.pop_back();  // toStderr adds the last newline
            toStderr(usage);
        }
        if (cmd.configureInfo)
            toStderr(std::string("built with POCO ") + pocoVersion() + " and " + OPENSSL_VERSION_TEXT);
        if (!cmd.testConfig) return 0;
    }
    try {
        return run(cmd);
    } catch (const std::exception& e) {
        toStderr(std::string(kProgramName) + ": [alert] " + e.what());
        return 1;
    }
}

}  // namespace mailwire::app
