// nginx's error_log line and syslog packet layouts, as pure functions so tests can pin them byte for byte.
#pragma once

#include <ctime>
#include <string>

#include "core/Log.h"

namespace mailwire::core {

// "2026/11/22 03:18:33 [info] 1234#1234: *5 message" (no newline); `local` is local time, as nginx logs it.
std::string formatLogLine(const std::tm& local, LogLevel level, long pid, long tid,
                          const std::string& message);

// "Nov  2 03:18:33": the RFC 3164 timestamp nginx puts in syslog headers (day padded with a space).
std::string formatSyslogTime(const std::tm& local);

// syslog:server=host[:port][,facility=...][,tag=...][,severity=...][,nohostname]
struct SyslogTarget {
    std::string host;
    unsigned short port = 514;
    int facility = 23;  // local7, nginx's default
    std::string tag = "nginx";
    bool nohostname = false;
};

// Parses the part after "syslog:"; on failure returns false with an nginx-style message in `error`.
bool parseSyslogTarget(const std::string& params, SyslogTarget& out, std::string& error);

// "<190>Nov 22 03:18:33 host tag: <line>": severity comes from the message level (nginx ignores
// severity= for error_log; it applies to access logs only).
std::string formatSyslogPacket(const SyslogTarget& target, LogLevel level, const std::string& syslogTime,
                               const std::string& hostname, const std::string& line);

}  // namespace mailwire::core
