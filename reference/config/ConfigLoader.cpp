#include "config/ConfigLoader.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <exception>

#include "config/ConfigParser.h"
#include "config/DirectiveTable.h"
#include "config/LoadState.h"

namespace mailwire::config {

namespace {

std::string lowercaseHostName() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    std::string name(buf);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return name;
}

std::string resolveAgainst(const std::string& prefix, const std::string& path) {
    return !path.empty() && path[0] == '/' ? path : prefix + path;
}

std::string directoryOf(const std::string& file) { return file.substr(0, file.rfind('/') + 1); }

// Applies the directive table to the parser's stream, keeping the context stack.
class DirectiveInterpreter : public DirectiveHandler {
  public:
    explicit DirectiveInterpreter(LoadState& state) : s_(state) {}

    void directive(const Directive& d) override {
        const DirectiveSpec* spec = findDirective(d.name);
        if (!spec) throwAt("unknown directive \"" + d.name + "\"", d.where);
        if (!(spec->contexts & s_.context()))
            throwAt("\"" + d.name + "\" directive is not allowed here", d.where);
        if (spec->opens == kNoContext && d.opensBlock) {
            throwAt("directive \"" + d.name + "\" is not terminated by \";\"", d.where);
        }
        if (spec->opens != kNoContext && !d.opensBlock) {
            throwAt("directive \"" + d.name + "\" has no opening \"{\"", d.where);
        }
        int n = static_cast<int>(d.args.size());
        if (n < spec->minArgs || (spec->maxArgs >= 0 && n > spec->maxArgs)) {
            throwAt("invalid number of arguments in \"" + d.name + "\" directive", d.where);
        }
        spec->handle(s_, d);
        if (spec->opens != kNoContext) s_.contexts.push_back(spec->opens);
    }

    void blockEnd(const SourceLocation& where) override {
        Context closed = s_.context();
        s_.contexts.pop_back();
        if (closed == kServerContext) closeServer(s_.servers.back());
        if (closed == kMailContext) closeMail(where);
    }

  private:
    static void serverError(const std::string& message, const SourceLocation& where) {
        // nginx logs these with the server{} position, not the current one.
        throw ConfigError("[emerg] " + message + " for server in " + where.file + ":" +
                          std::to_string(where.line));
    }

    static void closeServer(const ServerDraft& server) {
        if (server.listens.empty()) serverError("no \"listen\" is defined", server.where);
    }

    // nginx merges module by module over all servers: core checks first, then ssl, then auth_http.
    void closeMail(const SourceLocation& end) {
        for (const auto& server : s_.servers) {
            if (!server.protocol) serverError("unknown mail protocol", server.where);
        }
        for (const auto& server : s_.servers) {
            // These carry their own position (or none), not the server{} one.
            std::string error = tlsConfigError(s_.mail, server);
            if (!error.empty()) throw ConfigError("[emerg] " + error);
        }
        for (const auto& server : s_.servers) {
            if (!server.authHttp && !s_.mail.authHttp)
                serverError("no \"auth_http\" is defined", server.where);
        }
        const MergeContext context{s_.hostName, s_.confPrefix, end};
        for (const auto& server : s_.servers)
            s_.main.servers.push_back(mergeServer(s_.mail, server, context));
    }

    LoadState& s_;
};

MainConfig load(const std::string& file, const std::string& prefix, std::vector<std::string>& notices) {
    LoadState state;
    state.main.prefix = prefix;
    state.main.file = resolveAgainst(prefix, file);
    state.hostName = lowercaseHostName();
    state.confPrefix = directoryOf(state.main.file);

    DirectiveInterpreter interpreter(state);
    ConfigParser parser(directoryOf(state.main.file));
    try {
        parser.parseFile(state.main.file, interpreter);
    } catch (...) {
        // Warnings logged before the error still come first, as nginx prints them.
        notices.insert(notices.end(), state.notices.begin(), state.notices.end());
        throw;
    }
    notices.insert(notices.end(), state.notices.begin(), state.notices.end());

    if (!state.eventsSeen) throw ConfigError("[emerg] no \"events\" section in configuration");

    MainConfig& main = state.main;
    main.pidFile = resolveAgainst(prefix, main.pidFile.empty() ? "logs/nginx.pid" : main.pidFile);
    if (main.errorLogs.empty()) main.errorLogs.push_back(ErrorLogSpec{prefix + "logs/error.log", "error"});
    return main;
}

}  // namespace

MainConfig loadConfig(const std::string& file, const std::string& prefix) {
    std::vector<std::string> notices;
    return loadConfig(file, prefix, notices);
}

MainConfig loadConfig(const std::string& file, const std::string& prefix, std::vector<std::string>& notices) {
    try {
        return load(file, prefix, notices);
    } catch (const ConfigError&) {
        throw;
    } catch (const std::exception& e) {
        // Anything else (allocation, a library exception) still reaches the caller as a config failure.
        throw ConfigError(std::string("[emerg] ") + e.what());
    }
}

}  // namespace mailwire::config
