#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/ErrorLog.h"
#include "core/ErrorLogFormat.h"

namespace mailwire::core {
namespace {

SyslogTarget parsedTarget(const std::string& params) {
    SyslogTarget target;
    std::string error;
    EXPECT_TRUE(parseSyslogTarget(params, target, error)) << error;
    return target;
}

std::string rejectedTarget(const std::string& params) {
    SyslogTarget target;
    std::string error;
    EXPECT_FALSE(parseSyslogTarget(params, target, error));
    return error;
}

TEST(SyslogFormatTest, DefaultsAreNginxs) {
    const auto target = parsedTarget("server=127.0.0.1");
    EXPECT_EQ(target.host, "127.0.0.1");
    EXPECT_EQ(target.port, 514);
    EXPECT_EQ(target.facility, 23);  // local7
    EXPECT_EQ(target.tag, "nginx");
    EXPECT_FALSE(target.nohostname);
}

TEST(SyslogFormatTest, ParsesEveryParameter) {
    const auto target = parsedTarget("server=[::1]:5514,facility=mail,tag=mw_1,severity=warn,nohostname");
    EXPECT_EQ(target.host, "::1");
    EXPECT_EQ(target.port, 5514);
    EXPECT_EQ(target.facility, 2);
    EXPECT_EQ(target.tag, "mw_1");
    EXPECT_TRUE(target.nohostname);
    EXPECT_EQ(parsedTarget("server=logs.example:1514").port, 1514);
}

TEST(SyslogFormatTest, RejectsBadParameters) {
    EXPECT_EQ(rejectedTarget("facility=mail"), "no syslog server specified");
    EXPECT_EQ(rejectedTarget("server=127.0.0.1,facility=nope"), "unknown syslog facility \"nope\"");
    EXPECT_EQ(rejectedTarget("server=127.0.0.1,severity=loud"), "unknown syslog severity \"loud\"");
    EXPECT_EQ(rejectedTarget("server=127.0.0.1,tag=a-b"),
              "syslog \"tag\" only allows alphanumeric characters and underscore");
    EXPECT_EQ(rejectedTarget("server=127.0.0.1,colour=red"), "unknown syslog parameter \"colour=red\"");
    EXPECT_EQ(rejectedTarget("server=127.0.0.1:99999"), "invalid port in syslog server \"127.0.0.1:99999\"");
}

TEST(SyslogFormatTest, TimeHasASpacePaddedDay) {
    std::tm t{};
    t.tm_mon = 10;
    t.tm_mday = 2;
    t.tm_hour = 3;
    t.tm_min = 26;
    t.tm_sec = 18;
    EXPECT_EQ(formatSyslogTime(t), "Nov  2 03:26:18");
    t.tm_mday = 22;
    EXPECT_EQ(formatSyslogTime(t), "Nov 22 03:26:18");
}

TEST(SyslogFormatTest, PacketMatchesWhatNginxSends) {
    // Captured from nginx: <190>Nov 22 03:26:18 vm nginx: 2026/11/22 03:26:18 [info] 6193#6193: *1 client ...
    const std::string line =
        "2026/11/22 03:26:18 [info] 6193#6193: *1 client 127.0.0.1:42470 connected to 127.0.0.1:21143";
    EXPECT_EQ(
        formatSyslogPacket(parsedTarget("server=127.0.0.1"), LogLevel::Info, "Nov 22 03:26:18", "vm", line),
        "<190>Nov 22 03:26:18 vm nginx: " + line);
    // severity= is ignored for error_log: the message level decides (nginx sent <21> for mail+notice).
    EXPECT_EQ(
        formatSyslogPacket(parsedTarget("server=127.0.0.1,facility=mail,tag=abc,severity=warn,nohostname"),
                           LogLevel::Notice, "Nov 22 03:26:18", "vm", "x"),
        "<21>Nov 22 03:26:18 abc: x");
    EXPECT_EQ(
        formatSyslogPacket(parsedTarget("server=127.0.0.1"), LogLevel::Emerg, "Nov 22 03:26:18", "h", "x"),
        "<184>Nov 22 03:26:18 h nginx: x");
}

TEST(SyslogSinkTest, SendsOneDatagramPerLine) {
    const int receiver = ::socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(receiver, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(receiver, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(receiver, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    timeval guard{10, 0};  // only so a broken sink fails the test instead of hanging it
    ::setsockopt(receiver, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof guard);

    std::string error;
    auto log = openErrorLog(
        {{"syslog:server=127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + ",tag=mw,nohostname", "info"}},
        error);
    ASSERT_TRUE(log) << error;
    log->write(LogLevel::Debug, "filtered");
    log->write(LogLevel::Info, "*1 hello");

    char buf[2048];
    const ssize_t n = ::recv(receiver, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    const std::string packet(buf, static_cast<size_t>(n));
    EXPECT_EQ(packet.rfind("<190>", 0), 0u) << packet;
    EXPECT_NE(packet.find(" mw: "), std::string::npos) << packet;
    const std::string tail =
        "[info] " + std::to_string(::getpid()) + "#" + std::to_string(::getpid()) + ": *1 hello";
    EXPECT_EQ(packet.substr(packet.size() - tail.size()), tail);
    ::close(receiver);
}

}  // namespace
}  // namespace mailwire::core
