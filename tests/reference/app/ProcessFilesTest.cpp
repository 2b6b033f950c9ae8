#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "app/Generation.h"
#include "app/PidFile.h"
#include "app/SignalCommand.h"

namespace mailwire::app {
namespace {

class PidFileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_NE(::mkdtemp(dir_), nullptr);
        path_ = std::string(dir_) + "/proxy.pid";
    }
    void TearDown() override {
        std::remove(path_.c_str());
        ::rmdir(dir_);
    }
    char dir_[32] = "/tmp/mailwire-pid-XXXXXX";
    std::string path_;
};

TEST_F(PidFileTest, WritesAndReadsBack) {
    std::string error;
    ASSERT_TRUE(writePidFile(path_, 4242, error)) << error;
    std::ifstream in(path_);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, "4242\n");
    pid_t pid = 0;
    ASSERT_TRUE(readPidFile(path_, pid, error)) << error;
    EXPECT_EQ(pid, 4242);
    removePidFile(path_);
    EXPECT_FALSE(readPidFile(path_, pid, error));
    EXPECT_EQ(error, "open() \"" + path_ + "\" failed (2: No such file or directory)");
}

TEST_F(PidFileTest, RejectsGarbageLikeNginx) {
    std::ofstream(path_) << "abc\n";
    pid_t pid = 0;
    std::string error;
    EXPECT_FALSE(readPidFile(path_, pid, error));
    EXPECT_EQ(error, "invalid PID number \"abc\" in \"" + path_ + "\"");
    std::ofstream(path_, std::ios::trunc).flush();
    EXPECT_FALSE(readPidFile(path_, pid, error));
    EXPECT_EQ(error, "invalid PID number \"\" in \"" + path_ + "\"");
}

TEST(SignalCommandTest, MapsNamesToNginxSignals) {
    EXPECT_EQ(signalNumberFor("stop"), SIGTERM);
    EXPECT_EQ(signalNumberFor("quit"), SIGQUIT);
    EXPECT_EQ(signalNumberFor("reopen"), SIGUSR1);
    EXPECT_EQ(signalNumberFor("reload"), SIGHUP);
    EXPECT_EQ(signalNumberFor("nope"), 0);
}

TEST(LevelTagTest, SplitsConfigMessages) {
    core::LogLevel level = core::LogLevel::Warn;
    std::string message;
    splitLevelTag("[emerg] unknown directive \"foo\" in /x.conf:3", level, message);
    EXPECT_EQ(level, core::LogLevel::Emerg);
    EXPECT_EQ(message, "unknown directive \"foo\" in /x.conf:3");

    level = core::LogLevel::Warn;
    splitLevelTag("low address bits of 10.0.0.1/8 are meaningless in /x.conf:9", level, message);
    EXPECT_EQ(level, core::LogLevel::Warn);
    EXPECT_EQ(message, "low address bits of 10.0.0.1/8 are meaningless in /x.conf:9");
}

}  // namespace
}  // namespace mailwire::app
