#include "command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mailwire::fake {
namespace {

using ::testing::HasSubstr;

TEST(CommandLine, ParsesTheDocumentedForm) {
    FakeOptions options =
        parseCommandLine({"imap", "--listen", "127.0.0.1:0", "--listen", "[::1]:0", "--script", "s.json",
                          "--transcript", "t.jsonl", "--port-file", "p"});
    EXPECT_EQ(options.protocol, "imap");
    EXPECT_EQ(options.listen, (std::vector<std::string>{"127.0.0.1:0", "[::1]:0"}));
    EXPECT_EQ(options.scriptPath, "s.json");
    EXPECT_EQ(options.transcriptPath, "t.jsonl");
    EXPECT_EQ(options.portFile, "p");
    EXPECT_EQ(options.backend, "127.0.0.1:1143");
}

TEST(CommandLine, AcceptsEqualsFormAndBackend) {
    FakeOptions options = parseCommandLine({"auth", "--listen=127.0.0.1:0", "--backend=127.0.0.1:9"});
    EXPECT_EQ(options.protocol, "auth");
    EXPECT_EQ(options.backend, "127.0.0.1:9");
}

TEST(CommandLine, HelpNeedsNothingElse) { EXPECT_TRUE(parseCommandLine({"--help"}).help); }

std::string usageError(const std::vector<std::string>& arguments) {
    try {
        parseCommandLine(arguments);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "no error";
}

TEST(CommandLine, ExplainsWhatIsWrong) {
    EXPECT_THAT(usageError({"--listen", "127.0.0.1:0"}), HasSubstr("missing subcommand"));
    EXPECT_THAT(usageError({"ftp", "--listen", "127.0.0.1:0"}), HasSubstr("unknown subcommand \"ftp\""));
    EXPECT_THAT(usageError({"imap"}), HasSubstr("--listen HOST:PORT is required"));
    EXPECT_THAT(usageError({"imap", "--listen", "a:1", "extra"}), HasSubstr("unexpected argument \"extra\""));
    EXPECT_NE(usageError({"imap", "--listen", "a:1", "--frobnicate"}), "no error");
}

TEST(CommandLine, HelpListsEveryOptionAndSubcommand) {
    std::string help = usageText();
    for (const char* word : {"--listen", "--script", "--transcript", "--port-file", "--backend", "--help",
                             "imap", "auth", "SIGTERM"})
        EXPECT_THAT(help, HasSubstr(word));
}

}  // namespace
}  // namespace mailwire::fake
