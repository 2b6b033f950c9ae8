#include "core/ErrorLogFormat.h"

#include <cctype>
#include <cstdio>
#include <sstream>
#include <vector>

namespace mailwire::core {

namespace {

const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Index is the syslog facility number (RFC 3164), spelled as nginx accepts them.
const char* const kFacilities[] = {"kern",   "user",   "mail",   "daemon", "auth",     "intern",
                                   "lpr",    "news",   "uucp",   "clock",  "authpriv", "ftp",
                                   "ntp",    "audit",  "alert",  "cron",   "local0",   "local1",
                                   "local2", "local3", "local4", "local5", "local6",   "local7"};

// Syslog severities are nginx's levels reversed: emerg 0 ... debug 7.
int syslogSeverity(LogLevel level) { return static_cast<int>(LogLevel::Emerg) - static_cast<int>(level); }

std::vector<std::string> splitCommas(const std::string& s) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(s);
    while (std::getline(in, part, ',')) parts.push_back(part);
    return parts;
}

}  // namespace

std::string formatLogLine(const std::tm& local, LogLevel level, long pid, long tid,
                          const std::string& message) {
    char head[64];
    std::snprintf(head, sizeof head, "%04d/%02d/%02d %02d:%02d:%02d [", local.tm_year + 1900,
                  local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec);
    std::string line(head);
    line += logLevelName(level);
    line += "] ";
    line += std::to_string(pid);
    line += '#';
    line += std::to_string(tid);
    line += ": ";
    line += message;
    return line;
}

std::string formatSyslogTime(const std::tm& local) {
    char buf[32];
    const int month = (local.tm_mon >= 0 && local.tm_mon < 12) ? local.tm_mon : 0;
    std::snprintf(buf, sizeof buf, "%s %2d %02d:%02d:%02d", kMonths[month], local.tm_mday, local.tm_hour,
                  local.tm_min, local.tm_sec);
    return buf;
}

bool parseSyslogTarget(const std::string& params, SyslogTarget& out, std::string& error) {
    SyslogTarget target;
    bool haveServer = false;
    for (const std::string& param : splitCommas(params)) {
        if (param.rfind("server=", 0) == 0) {
            std::string value = param.substr(7);
            std::string host = value;
            std::string port;
            if (!value.empty() && value[0] == '[') {
                const auto close = value.find(']');
                if (close == std::string::npos) {
                    error = "invalid syslog server \"" + value + "\"";
                    return false;
                }
                host = value.substr(1, close - 1);
                if (close + 1 < value.size()) {
                    if (value[close + 1] != ':') {
                        error = "invalid syslog server \"" + value + "\"";
                        return false;
                    }
                    port = value.substr(close + 2);
                }
            } else if (value.rfind("unix:", 0) == 0) {
                error = "unix syslog server \"" + value + "\" is not supported";
                return false;
            } else {
                const auto colon = value.find(':');
                if (colon != std::string::npos) {
                    host = value.substr(0, colon);
                    port = value.substr(colon + 1);
                }
            }
            if (host.empty()) {
                error = "invalid syslog server \"" + value + "\"";
                return false;
            }
            if (!port.empty()) {
                unsigned long number = 0;
                for (char c : port) {
                    if (!std::isdigit(static_cast<unsigned char>(c)) || number > 65535) {
                        number = 0;
                        break;
                    }
                    number = number * 10 + static_cast<unsigned long>(c - '0');
                }
                if (number == 0 || number > 65535) {
                    error = "invalid port in syslog server \"" + value + "\"";
                    return false;
                }
                target.port = static_cast<unsigned short>(number);
            }
            target.host = host;
            haveServer = true;
        } else if (param.rfind("facility=", 0) == 0) {
            const std::string name = param.substr(9);
            int found = -1;
            for (int i = 0; i < static_cast<int>(sizeof kFacilities / sizeof kFacilities[0]); ++i)
                if (name == kFacilities[i]) found = i;
            if (found < 0) {
                error = "unknown syslog facility \"" + name + "\"";
                return false;
            }
            target.facility = found;
        } else if (param.rfind("severity=", 0) == 0) {
            LogLevel ignored;
            const std::string name = param.substr(9);
            if (!parseLogLevel(name, ignored)) {
                error = "unknown syslog severity \"" + name + "\"";
                return false;
            }
        } else if (param.rfind("tag=", 0) == 0) {
            const std::string tag = param.substr(4);
            if (tag.size() > 32) {
                error = "syslog tag length exceeds 32";
                return false;
            }
            for (char c : tag) {
                if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
                    error = "syslog \"tag\" only allows alphanumeric characters and underscore";
                    return false;
                }
            }
            target.tag = tag;
        } else if (param == "nohostname") {
            target.nohostname = true;
        } else {
            error = "unknown syslog parameter \"" + param + "\"";
            return false;
        }
    }
    if (!haveServer) {
        error = "no syslog server specified";
        return false;
    }
    out = target;
    return true;
}

std::string formatSyslogPacket(const SyslogTarget& target, LogLevel level, const std::string& syslogTime,
                               const std::string& hostname, const std::string& line) {
    std::string packet =
        "<" + std::to_string(target.facility * 8 + syslogSeverity(level)) + ">" + syslogTime + " ";
    if (!target.nohostname) packet += hostname + " ";
    packet += target.tag + ": " + line;
    return packet;
}

}  // namespace mailwire::core
