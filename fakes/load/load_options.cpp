#include "load_options.h"

#include <set>

namespace mailwire::load {

namespace {

const std::set<std::string> kModes = {"imap-login", "pop3-login", "smtp-session", "smtp-data",
                                      "imap-fetch", "pop3-retr",  "idle"};

std::uint64_t number(const std::string& name, const std::string& text) {
    std::size_t used = 0;
    unsigned long long value = 0;
    try {
        value = std::stoull(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || text[0] == '-')
        throw UsageError(name + " wants a whole number: " + text);
    return value;
}

double seconds(const std::string& name, const std::string& text) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || value < 0) throw UsageError(name + " wants seconds: " + text);
    return value;
}

}  // namespace

std::string loadUsage() {
    return "usage: mailwire-load --mode MODE --target HOST:PORT [options]\n"
           "  MODE: imap-login | pop3-login | smtp-session | smtp-data | imap-fetch | pop3-retr | idle\n"
           "  --concurrency C   sessions in flight [1]\n"
           "  --threads T       event loops sharing them [1]\n"
           "  --duration S      start sessions for S seconds, or\n"
           "  --sessions N      run N sessions (idle: open and hold N until stdin closes or SIGTERM)\n"
           "  --bytes N         payload per session (smtp-data upload, imap-fetch/pop3-retr download)\n"
           "  --user U --password P   login [good / secret]\n"
           "  --timeout S       a session waiting longer fails [60]\n"
           "Prints one JSON line: sessions, errors, elapsed_s, bytes, latency_ms p50/p99, cpu_s.\n";
}

LoadOptions parseLoadOptions(const std::vector<std::string>& arguments) {
    LoadOptions options;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& name = arguments[i];
        if (name == "--help" || name == "-h") {
            options.help = true;
            return options;
        }
        if (i + 1 >= arguments.size()) throw UsageError(name + " needs a value (or is unknown)");
        const std::string& value = arguments[++i];
        if (name == "--mode") {
            options.mode = value;
        } else if (name == "--target") {
            std::size_t colon = value.rfind(':');
            if (colon == std::string::npos) throw UsageError("--target wants HOST:PORT: " + value);
            options.host = value.substr(0, colon);
            std::uint64_t port = number("--target", value.substr(colon + 1));
            if (port == 0 || port > 65535) throw UsageError("--target port out of range: " + value);
            options.port = static_cast<int>(port);
        } else if (name == "--concurrency") {
            options.concurrency = static_cast<int>(number(name, value));
        } else if (name == "--threads") {
            options.threads = static_cast<int>(number(name, value));
        } else if (name == "--duration") {
            options.durationS = seconds(name, value);
        } else if (name == "--sessions") {
            options.sessions = number(name, value);
        } else if (name == "--bytes") {
            options.bytes = number(name, value);
        } else if (name == "--user") {
            options.user = value;
        } else if (name == "--password") {
            options.password = value;
        } else if (name == "--timeout") {
            options.timeoutS = seconds(name, value);
        } else {
            throw UsageError("unknown option " + name);
        }
    }
    if (!kModes.count(options.mode))
        throw UsageError("--mode is missing or unknown: \"" + options.mode + "\"");
    if (options.port == 0) throw UsageError("--target HOST:PORT is required");
    if (options.concurrency < 1 || options.threads < 1 || options.threads > options.concurrency)
        throw UsageError("--concurrency and --threads must be at least 1, threads at most concurrency");
    if ((options.durationS > 0) == (options.sessions > 0))
        throw UsageError("give exactly one of --duration and --sessions");
    if (options.mode == "idle" && options.sessions == 0) throw UsageError("idle wants --sessions N");
    bool bulk = options.mode == "smtp-data" || options.mode == "imap-fetch" || options.mode == "pop3-retr";
    if (bulk && options.bytes < 2) throw UsageError(options.mode + " wants --bytes N (at least 2)");
    return options;
}

}  // namespace mailwire::load
