#include "command_line.h"

#include <Poco/Exception.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionProcessor.h>
#include <Poco/Util/OptionSet.h>

#include <algorithm>
#include <sstream>

#include "backend_profile.h"
#include "backend_protocol.h"

namespace mailwire::fake {

namespace {

Poco::Util::OptionSet fakeOptionSet() {
    using Poco::Util::Option;
    Poco::Util::OptionSet options;
    options.addOption(Option("listen", "",
                             "address to listen on, HOST:PORT or [IPv6]:PORT; port 0 picks a "
                             "free port; repeatable (the port file gets the first)")
                          .argument("HOST:PORT")
                          .repeatable(true));
    options.addOption(
        Option("script", "", "JSON script (docs/fake-protocol.md); default: the built-in script")
            .argument("FILE"));
    options.addOption(Option("profile", "",
                             "imap/pop3/smtp: a ready-made backend (listed below) instead of the default "
                             "script; not with --script")
                          .argument("NAME"));
    options.addOption(
        Option("transcript", "", "append JSON-lines events here, flushed after each one").argument("FILE"));
    options.addOption(Option("port-file", "",
                             "once listening, write the first listener's port here "
                             "(via FILE.tmp and rename)")
                          .argument("FILE"));
    options.addOption(Option("backend", "",
                             "auth default script: backend for good logins "
                             "(default 127.0.0.1:1143)")
                          .argument("HOST:PORT"));
    options.addOption(Option("help", "h", "show this help and exit"));
    return options;
}

bool isKnownProtocol(const std::string& name) {
    return name == "auth" || name == "dns" || findBackendProtocol(name) != nullptr;
}

std::string profileNames(const std::string& protocol) {
    std::string names;
    for (const BackendProfile* profile : backendProfilesFor(protocol))
        names += std::string(names.empty() ? "" : ", ") + profile->name;
    return names;
}

void checkProfile(const FakeOptions& options) {
    if (options.profile.empty()) return;
    if (!options.scriptPath.empty()) throw UsageError("--profile and --script exclude each other");
    const std::string known = profileNames(options.protocol);
    if (known.empty())
        throw UsageError(options.protocol + " has no profiles (--profile is for imap, pop3, smtp)");
    if (!findBackendProfile(options.protocol, options.profile))
        throw UsageError("unknown " + options.protocol + " profile \"" + options.profile +
                         "\" (known: " + known + ")");
}

std::string protocolList() {
    std::string list;
    for (const auto& name : backendProtocolNames()) list += name + ", ";
    return list + "auth, dns";
}

}  // namespace

FakeOptions parseCommandLine(const std::vector<std::string>& arguments) {
    FakeOptions result;
    Poco::Util::OptionSet options = fakeOptionSet();
    Poco::Util::OptionProcessor processor(options);
    processor.setUnixStyle(true);
    try {
        for (const auto& argument : arguments) {
            std::string name, value;
            if (processor.process(argument, name, value)) {
                if (name.empty()) continue;  // the option's value comes in the next argument
                if (name == "listen")
                    result.listen.push_back(value);
                else if (name == "script")
                    result.scriptPath = value;
                else if (name == "profile")
                    result.profile = value;
                else if (name == "transcript")
                    result.transcriptPath = value;
                else if (name == "port-file")
                    result.portFile = value;
                else if (name == "backend")
                    result.backend = value;
                else if (name == "help")
                    result.help = true;
            } else if (result.protocol.empty()) {
                result.protocol = argument;
            } else {
                throw UsageError("unexpected argument \"" + argument + "\"");
            }
        }
        processor.checkRequired();
    } catch (const Poco::Exception& e) {
        throw UsageError(e.displayText());
    }
    if (result.help) return result;
    if (result.protocol.empty()) throw UsageError("missing subcommand (" + protocolList() + ")");
    if (!isKnownProtocol(result.protocol))
        throw UsageError("unknown subcommand \"" + result.protocol + "\" (known: " + protocolList() + ")");
    if (result.listen.empty()) throw UsageError("--listen HOST:PORT is required");
    checkProfile(result);
    return result;
}

std::string usageText() {
    Poco::Util::OptionSet options = fakeOptionSet();
    Poco::Util::HelpFormatter formatter(options);
    formatter.setUnixStyle(true);
    formatter.setWidth(100);
    formatter.setCommand("mailwire-fake");
    formatter.setUsage(
        "SUBCOMMAND --listen HOST:PORT [--listen ...] [--script FILE.json | --profile NAME] "
        "[--transcript FILE.jsonl] [--port-file FILE] [--backend HOST:PORT]");
    std::ostringstream text;
    formatter.format(text);
    text << "\n"
            "Scriptable fake servers for testing mail proxies (script and transcript formats: "
            "docs/fake-protocol.md).\n"
            "\n"
            "Subcommands:\n"
            "  imap   fake IMAP backend running a mail script. Default script: greets, accepts nginx's\n"
            "         LOGIN with literals, answers <tag> OK <VERB> completed to everything, LOGOUT -> BYE.\n"
            "  pop3   fake POP3 backend running a mail script. Default script: greets, +OK to every line\n"
            "         (nginx's USER/PASS and whatever is relayed after), QUIT -> +OK and close.\n"
            "  smtp   fake SMTP backend running a mail script. Default script: greets, 250 to\n"
            "         EHLO/HELO/MAIL/RCPT, 220 to XCLIENT, 235 to AUTH, DATA -> 354 then 250 after \".\",\n"
            "         QUIT -> 221 and close.\n"
            "  auth   fake auth_http server answering from a script. Default script: user good or password\n"
            "         secret -> Auth-Status: OK to --backend; else Invalid login or password, Auth-Wait: 1.\n"
            "  dns    fake DNS server on UDP answering A/AAAA/PTR questions from a script; unscripted\n"
            "         questions (and every question without --script) get NXDOMAIN.\n"
            "\n"
            "Profiles (--profile NAME; imap, pop3 and smtp only; modelled, not copied from real servers):\n";
    for (const auto& protocol : backendProtocolNames()) {
        for (const BackendProfile* profile : backendProfilesFor(protocol)) {
            std::string label = protocol + " " + profile->name;
            label.resize(std::max<std::size_t>(label.size() + 1, 19), ' ');
            text << "  " << label << profile->description << "\n";
        }
    }
    text << "\n"
            "SIGTERM/SIGINT: records close for open connections, flushes, exits 0.\n"
            "Exit status 2: bad command line or bad script (the message names the file and the problem).\n";
    return text.str();
}

}  // namespace mailwire::fake
