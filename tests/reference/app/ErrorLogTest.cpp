#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/ErrorLog.h"
#include "core/ErrorLogFormat.h"

namespace mailwire::core {
namespace {

std::tm at(int year, int month, int day, int hour, int minute, int second) {
    std::tm t{};
    t.tm_year = year - 1900;
    t.tm_mon = month - 1;
    t.tm_mday = day;
    t.tm_hour = hour;
    t.tm_min = minute;
    t.tm_sec = second;
    return t;
}

struct CapturedLines {
    std::vector<std::pair<LogLevel, std::string>> lines;
};

class CaptureSink : public LogSink {
  public:
    explicit CaptureSink(CapturedLines& into) : into_(into) {}
    void write(LogLevel level, const std::string& line, const std::tm&) override {
        into_.lines.emplace_back(level, line);
    }

  private:
    CapturedLines& into_;
};

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(LogLevelTest, NamesRoundTrip) {
    for (const char* name : {"debug", "info", "notice", "warn", "error", "crit", "alert", "emerg"}) {
        LogLevel level;
        ASSERT_TRUE(parseLogLevel(name, level)) << name;
        EXPECT_STREQ(logLevelName(level), name);
    }
    LogLevel level;
    EXPECT_FALSE(parseLogLevel("warning", level));
}

TEST(ErrorLogFormatTest, LineIsNginxFormat) {
    EXPECT_EQ(formatLogLine(at(2026, 11, 2, 3, 8, 9), LogLevel::Info, 1234, 1234, "*5 client logged in"),
              "2026/11/02 03:08:09 [info] 1234#1234: *5 client logged in");
    EXPECT_EQ(formatLogLine(at(2026, 1, 22, 13, 18, 33), LogLevel::Emerg, 7, 8, "x"),
              "2026/01/22 13:18:33 [emerg] 7#8: x");
}

TEST(ErrorLogTest, EachSinkFiltersByItsLevel) {
    CapturedLines errors, everything;
    ErrorLog log;
    log.setClockForTest([] { return std::time_t(0); });
    log.add(std::make_unique<CaptureSink>(errors), LogLevel::Error);
    log.add(std::make_unique<CaptureSink>(everything), LogLevel::Info);

    EXPECT_FALSE(log.enabled(LogLevel::Debug));
    EXPECT_TRUE(log.enabled(LogLevel::Info));
    log.write(LogLevel::Debug, "hidden");
    log.write(LogLevel::Info, "*1 client 127.0.0.1:5000 connected to 127.0.0.1:1143");
    log.write(LogLevel::Crit, "bad");

    ASSERT_EQ(everything.lines.size(), 2u);
    ASSERT_EQ(errors.lines.size(), 1u);
    EXPECT_EQ(errors.lines[0].first, LogLevel::Crit);
    const std::string pid = std::to_string(::getpid());
    const std::string expectedSuffix =
        " [info] " + pid + "#" + pid + ": *1 client 127.0.0.1:5000 connected to 127.0.0.1:1143";
    const std::string& line = everything.lines[0].second;
    ASSERT_GE(line.size(), expectedSuffix.size());
    EXPECT_EQ(line.substr(line.size() - expectedSuffix.size()), expectedSuffix);
    EXPECT_EQ(line.size(), 19 + expectedSuffix.size());  // "YYYY/MM/DD HH:MM:SS" first
}

TEST(ErrorLogTest, EmptyLogIsDisabled) {
    ErrorLog log;
    EXPECT_FALSE(log.enabled(LogLevel::Emerg));
}

TEST(ErrorLogTest, FileTargetsAppendAndReopen) {
    char dir[] = "/tmp/mailwire-errorlog-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    const std::string path = std::string(dir) + "/error.log";
    { std::ofstream(path) << "old line\n"; }
    std::string error;
    auto log = openErrorLog({{path, "warn"}}, error);
    ASSERT_TRUE(log) << error;
    log->write(LogLevel::Warn, "first");
    log->write(LogLevel::Info, "filtered");
    std::string text = readFile(path);
    EXPECT_EQ(text.rfind("old line\n", 0), 0u);
    EXPECT_NE(text.find("[warn] "), std::string::npos);
    EXPECT_NE(text.find(": first\n"), std::string::npos);
    EXPECT_EQ(text.find("filtered"), std::string::npos);

    // USR1 after logrotate moved the file away: the log continues in a new file at the same path.
    const std::string rotated = path + ".1";
    ASSERT_EQ(std::rename(path.c_str(), rotated.c_str()), 0);
    EXPECT_TRUE(log->reopen().empty());
    log->write(LogLevel::Error, "second");
    EXPECT_NE(readFile(path).find(": second\n"), std::string::npos);
    EXPECT_EQ(readFile(rotated).find("second"), std::string::npos);

    std::remove(path.c_str());
    std::remove(rotated.c_str());
    ::rmdir(dir);
}

TEST(ErrorLogTest, OpenFailureUsesNginxText) {
    std::string error;
    EXPECT_FALSE(openErrorLog({{"/nonexistent-dir/error.log", "error"}}, error));
    EXPECT_EQ(error, "open() \"/nonexistent-dir/error.log\" failed (2: No such file or directory)");
    EXPECT_FALSE(openErrorLog({{"stderr", "loud"}}, error));
    EXPECT_EQ(error, "invalid log level \"loud\"");
}

TEST(ErrorLogTest, ReplaceSinksKeepsTheObject) {
    CapturedLines before, after;
    ErrorLog log;
    log.add(std::make_unique<CaptureSink>(before), LogLevel::Error);
    ErrorLog next;
    next.add(std::make_unique<CaptureSink>(after), LogLevel::Info);
    log.replaceSinks(std::move(next));
    log.write(LogLevel::Info, "to the new sinks");
    EXPECT_TRUE(before.lines.empty());
    ASSERT_EQ(after.lines.size(), 1u);
}

}  // namespace
}  // namespace mailwire::core
