// The profile table, --profile on the command line, and FakeServer serving a profile over a real socket.
#include "backend_profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "backend_protocol.h"
#include "command_line.h"
#include "fake_server.h"
#include "mock_dialogue_actions.h"
#include "running_fake.h"

namespace mailwire::fake {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::NiceMock;
using ::testing::StartsWith;

TEST(BackendProfiles, EveryRowIsABackendProtocolWithAUniqueNameAndAWorkingDialogue) {
    std::set<std::string> seen;
    ASSERT_FALSE(backendProfiles().empty());
    for (const auto& profile : backendProfiles()) {
        EXPECT_NE(findBackendProtocol(profile.protocol), nullptr) << profile.protocol;
        EXPECT_TRUE(seen.insert(std::string(profile.protocol) + " " + profile.name).second) << profile.name;
        EXPECT_GT(std::string(profile.description).size(), 10u);
        EXPECT_LE(std::string(profile.description).size(), 79u) << "one --help line: " << profile.description;
        NiceMock<MockDialogueActions> actions;
        auto dialogue = profile.dialogue();
        ASSERT_NE(dialogue, nullptr);
        EXPECT_EQ(dialogue->run(actions).kind, DialogueNeed::Kind::Line);
    }
}

TEST(BackendProfiles, TheDocumentedProfilesExist) {
    auto names = [](const std::string& protocol) {
        std::vector<std::string> result;
        for (const BackendProfile* profile : backendProfilesFor(protocol)) result.push_back(profile->name);
        return result;
    };
    EXPECT_THAT(names("imap"), ElementsAre("communigate", "dovecot", "bulk"));
    EXPECT_THAT(names("pop3"), ElementsAre("communigate", "dovecot", "bulk"));
    EXPECT_THAT(names("smtp"), ElementsAre("communigate", "postfix"));
    EXPECT_TRUE(names("auth").empty());
    EXPECT_NE(findBackendProfile("pop3", "communigate"), nullptr);
    EXPECT_EQ(findBackendProfile("smtp", "dovecot"), nullptr);
    EXPECT_EQ(findBackendProfile("pop3", "CommuniGate"), nullptr);  // names are exact
}

std::string usageError(const std::vector<std::string>& arguments) {
    try {
        parseCommandLine(arguments);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "no error";
}

TEST(ProfileCommandLine, ParsesProfileAlone) {
    FakeOptions options =
        parseCommandLine({"pop3", "--profile", "communigate", "--listen", "127.0.0.1:1110"});
    EXPECT_EQ(options.protocol, "pop3");
    EXPECT_EQ(options.profile, "communigate");
    EXPECT_TRUE(options.scriptPath.empty());
    EXPECT_EQ(
        parseCommandLine({"smtp", "--listen=127.0.0.1:0", "--profile=postfix", "--transcript", "t"}).profile,
        "postfix");
    EXPECT_TRUE(parseCommandLine({"imap", "--listen", "127.0.0.1:0"}).profile.empty());
}

TEST(ProfileCommandLine, RefusesProfileWithScriptUnknownNamesAndProtocolsWithoutProfiles) {
    EXPECT_THAT(usageError({"pop3", "--profile", "dovecot", "--script", "s.json", "--listen", "127.0.0.1:0"}),
                HasSubstr("--profile and --script exclude each other"));
    EXPECT_THAT(usageError({"pop3", "--listen", "127.0.0.1:0", "--profile", "exim"}),
                HasSubstr("unknown pop3 profile \"exim\" (known: communigate, dovecot, bulk)"));
    EXPECT_THAT(usageError({"smtp", "--listen", "127.0.0.1:0", "--profile", "dovecot"}),
                HasSubstr("(known: communigate, postfix)"));
    EXPECT_THAT(usageError({"auth", "--listen", "127.0.0.1:0", "--profile", "dovecot"}),
                HasSubstr("auth has no profiles"));
    EXPECT_THAT(usageError({"dns", "--listen", "127.0.0.1:0", "--profile", "x"}),
                HasSubstr("dns has no profiles"));
    EXPECT_NE(usageError({"pop3", "--listen", "127.0.0.1:0", "--profile"}), "no error");  // NAME missing
}

TEST(ProfileCommandLine, HelpListsEveryProfilePerProtocolWithItsDescription) {
    const std::string help = usageText();
    EXPECT_THAT(help, HasSubstr("--profile"));
    for (const auto& profile : backendProfiles()) {
        const std::string label = std::string("  ") + profile.protocol + " " + profile.name + " ";
        const std::size_t at = help.find(label);
        ASSERT_NE(at, std::string::npos) << label;
        EXPECT_THAT(help.substr(at, help.find('\n', at) - at), HasSubstr(profile.description)) << label;
    }
}

using e2e::Client;

// A profile served on 127.0.0.1:0 by a real FakeServer (no script).
struct RunningProfile : e2e::RunningFake {
    RunningProfile(const std::string& protocol, const std::string& profile)
        : RunningFake(protocol, "", profile) {}
    std::string transcript() { return rawTranscript(); }
};

TEST(ProfileE2E, Pop3CommuniGateRefusesThePasswordKeepsTheConnectionAndClosesAfterQuit) {
    RunningProfile fake("pop3", "communigate");
    Client client(fake.port());
    EXPECT_THAT(client.readLine(), StartsWith("+OK CommuniGatePro POP3 Server 6.3 ready <"));
    client.send("USER alice\r\n");
    EXPECT_EQ(client.readLine(), "+OK please send the PASS\r\n");
    client.send("PASS secret\r\n");
    EXPECT_EQ(client.readLine(), "-ERR [IN-USE] account is temporarily locked: mailbox overflow\r\n");
    client.send("QUIT\r\n");
    EXPECT_EQ(client.readUntilEof(), "+OK CommuniGatePro POP3 Server connection closed\r\n");
    const std::string transcript = fake.transcript();
    EXPECT_THAT(transcript, HasSubstr(R"("event": "recv", "data": "PASS secret\r\n"})"));
    EXPECT_THAT(transcript, HasSubstr(R"("event": "close"})"));
}

TEST(ProfileE2E, ImapDovecotAndSmtpPostfixServeTheirDialogues) {
    {
        RunningProfile fake("imap", "dovecot");
        Client client(fake.port());
        EXPECT_THAT(client.readLine(), HasSubstr("Dovecot ready."));
        client.send("a1 LOGIN {5}\r\n");
        EXPECT_EQ(client.readLine(), "+ OK\r\n");
        client.send("alice {6}\r\n");
        EXPECT_EQ(client.readLine(), "+ OK\r\n");
        client.send("secret\r\n");
        EXPECT_THAT(client.readLine(), StartsWith("a1 OK [CAPABILITY IMAP4rev1 "));
        client.send("a2 LOGOUT\r\n");
        EXPECT_EQ(client.readUntilEof(),
                  "* BYE Logging out\r\na2 OK Logout completed (0.001 + 0.000 secs).\r\n");
    }
    {
        RunningProfile fake("smtp", "postfix");
        Client client(fake.port());
        EXPECT_EQ(client.readLine(), "220 mail.example.test ESMTP Postfix\r\n");
        client.send("XCLIENT ADDR=127.0.0.1 NAME=[UNAVAILABLE]\r\nQUIT\r\n");
        EXPECT_EQ(client.readUntilEof(), "220 mail.example.test ESMTP Postfix\r\n221 2.0.0 Bye\r\n");
    }
}

TEST(ProfileE2E, FakeServerRefusesAnUnknownProfile) {
    FakeOptions options;
    options.protocol = "imap";
    options.profile = "postfix";
    options.listen = {"127.0.0.1:0"};
    std::ostringstream out;
    EXPECT_THROW(FakeServer(options, std::make_unique<Transcript>(out, Transcript::Clock::now())),
                 std::invalid_argument);
}

}  // namespace
}  // namespace mailwire::fake
