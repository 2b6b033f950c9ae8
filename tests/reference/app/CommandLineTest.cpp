#include <gtest/gtest.h>

#include "app/CommandLine.h"

namespace mailwire::app {
namespace {

CommandLine parsed(const std::vector<std::string>& args) {
    CommandLine cmd;
    std::string error;
    EXPECT_TRUE(parseCommandLine(args, cmd, error)) << error;
    return cmd;
}

std::string rejected(const std::vector<std::string>& args) {
    CommandLine cmd;
    std::string error;
    EXPECT_FALSE(parseCommandLine(args, cmd, error));
    return error;
}

TEST(CommandLineTest, ValuesMayBeSeparateOrAttached) {
    const auto cmd = parsed({"-c", "/etc/x.conf", "-p/srv/", "-e", "stderr"});
    EXPECT_EQ(cmd.confFile, "/etc/x.conf");
    EXPECT_EQ(cmd.prefix, "/srv/");
    EXPECT_EQ(cmd.errorLog, "stderr");
    EXPECT_EQ(parsed({"-cfoo.conf"}).confFile, "foo.conf");
}

TEST(CommandLineTest, FlagsMayBeBundled) {
    const auto cmd = parsed({"-tq"});
    EXPECT_TRUE(cmd.testConfig);
    EXPECT_TRUE(cmd.quiet);
    const auto tc = parsed({"-tc", "a.conf"});
    EXPECT_TRUE(tc.testConfig);
    EXPECT_EQ(tc.confFile, "a.conf");
}

TEST(CommandLineTest, VersionAndHelp) {
    EXPECT_TRUE(parsed({"-v"}).version);
    const auto big = parsed({"-V"});
    EXPECT_TRUE(big.version);
    EXPECT_TRUE(big.configureInfo);
    for (const char* flag : {"-h", "-?"}) {
        const auto help = parsed({flag});
        EXPECT_TRUE(help.help);
        EXPECT_TRUE(help.version);  // nginx prints the version line before the usage
    }
}

TEST(CommandLineTest, Signals) {
    for (const char* name : {"stop", "quit", "reopen", "reload"})
        EXPECT_EQ(parsed({"-s", name}).signal, name);
    EXPECT_EQ(parsed({"-sreload"}).signal, "reload");
    EXPECT_EQ(rejected({"-s", "foo"}), "invalid option: \"-s foo\"");
}

TEST(CommandLineTest, ErrorsUseNginxWording) {
    EXPECT_EQ(rejected({"-x"}), "invalid option: \"x\"");
    EXPECT_EQ(rejected({"-tx"}), "invalid option: \"x\"");
    EXPECT_EQ(rejected({"stray"}), "invalid option: \"stray\"");
    EXPECT_EQ(rejected({"-c"}), "option \"-c\" requires file name");
    EXPECT_EQ(rejected({"-e"}), "option \"-e\" requires file name");
    EXPECT_EQ(rejected({"-p"}), "option \"-p\" requires directory name");
    EXPECT_EQ(rejected({"-s"}), "option \"-s\" requires parameter");
}

TEST(CommandLineTest, DefaultsLiveUnderThePrefix) {
    const auto paths = resolveStartupPaths(parsed({}), "/home/me");
    EXPECT_EQ(paths.prefix, "/home/me/");
    EXPECT_EQ(paths.confFile, "/home/me/conf/nginx.conf");
    EXPECT_EQ(paths.errorLog, "/home/me/logs/error.log");
}

TEST(CommandLineTest, RelativePathsResolveAgainstThePrefix) {
    const auto paths =
        resolveStartupPaths(parsed({"-p", "/srv/mw", "-c", "proxy.conf", "-e", "e.log"}), "/home/me");
    EXPECT_EQ(paths.prefix, "/srv/mw/");
    EXPECT_EQ(paths.confFile, "/srv/mw/proxy.conf");
    EXPECT_EQ(paths.errorLog, "/srv/mw/e.log");

    const auto absolute =
        resolveStartupPaths(parsed({"-p", "rel", "-c", "/etc/a.conf", "-e", "stderr"}), "/home/me");
    EXPECT_EQ(absolute.prefix, "/home/me/rel/");
    EXPECT_EQ(absolute.confFile, "/etc/a.conf");
    EXPECT_EQ(absolute.errorLog, "stderr");
}

}  // namespace
}  // namespace mailwire::app
