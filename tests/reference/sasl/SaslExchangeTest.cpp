#include <gtest/gtest.h>

#include <random>

#include "sasl/Base64.h"
#include "sasl/SaslExchange.h"

namespace mailwire::sasl {
namespace {

std::string b64(const std::string& raw) { return encodeBase64(raw); }
const std::string kDigest = "0123456789abcdef0123456789abcdef";
const std::string kSalt = "<1.2@mail.example>";

struct Fixture {
    int saltsMade = 0;
    SaslExchange exchange;

    explicit Fixture(SaslMechanisms enabled = SaslMechanisms{true, true})
        : exchange(enabled, [this] {
              ++saltsMade;
              return kSalt;
          }) {}
};

void expectReject(const SaslStep& step, const std::string& infoLog = std::string()) {
    EXPECT_EQ(step.kind, SaslStep::Reject);
    EXPECT_EQ(step.infoLog, infoLog);
}

TEST(SaslPromptLine, PrefixPayloadCrlf) {
    SaslPrompt prompt;
    prompt.payload = "VXNlcm5hbWU6";
    EXPECT_EQ(prompt.line("+ "), "+ VXNlcm5hbWU6\r\n");
    EXPECT_EQ(prompt.line("334 "), "334 VXNlcm5hbWU6\r\n");
    EXPECT_EQ(SaslPrompt().line("+ "), "+ \r\n");
}

TEST(SaslExchangeLogin, UsernameThenPassword) {
    Fixture f;
    SaslStep step = f.exchange.start({"LOGIN"});
    ASSERT_EQ(step.kind, SaslStep::Prompt);
    EXPECT_EQ(step.prompt.kind, SaslPrompt::Username);
    EXPECT_EQ(step.prompt.line("+ "), "+ VXNlcm5hbWU6\r\n");
    EXPECT_EQ(f.exchange.stage(), SaslExchange::Stage::LoginUsername);

    step = f.exchange.respond(b64("user"));
    ASSERT_EQ(step.kind, SaslStep::Prompt);
    EXPECT_EQ(step.prompt.kind, SaslPrompt::Password);
    EXPECT_EQ(step.prompt.line("334 "), "334 UGFzc3dvcmQ6\r\n");
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(f.exchange.stage(), SaslExchange::Stage::LoginPassword);

    step = f.exchange.respond(b64("secret"));
    ASSERT_EQ(step.kind, SaslStep::Complete);
    EXPECT_EQ(step.credentials.method, "plain");
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "secret");
    EXPECT_TRUE(step.credentials.hasPassword);
    EXPECT_EQ(step.credentials.salt, "");
    EXPECT_FALSE(f.exchange.inProgress());
    EXPECT_EQ(f.saltsMade, 0);
}

// nginx's s->login, which its log lines show, survives a failed step (scenario pop3/auth-bad-base64).
TEST(SaslExchangeLogin, LastLoginSurvivesADecodeErrorAndAReset) {
    Fixture f;
    EXPECT_EQ(f.exchange.lastLogin(), "");
    f.exchange.start({"LOGIN", b64("alice")});
    EXPECT_EQ(f.exchange.lastLogin(), "alice");
    EXPECT_EQ(f.exchange.respond("c2VjcmV0-").kind, SaslStep::Reject);
    f.exchange.reset();
    EXPECT_EQ(f.exchange.lastLogin(), "alice");
    EXPECT_EQ(f.exchange.start({"PLAIN", b64(std::string("\0bob", 4))}).kind, SaslStep::Reject);
    EXPECT_EQ(f.exchange.lastLogin(), "alice") << "a half-decoded PLAIN leaves it as it was";
    f.exchange.noteLogin("carol");  // POP3 USER
    EXPECT_EQ(f.exchange.lastLogin(), "carol");
}

TEST(SaslExchangeLogin, InitialResponseIsTheUsername) {
    Fixture f;
    SaslStep step = f.exchange.start({"login", b64("user")});
    ASSERT_EQ(step.kind, SaslStep::Prompt);
    EXPECT_EQ(step.prompt.kind, SaslPrompt::Password);
    EXPECT_EQ(step.credentials.login, "user");
    step = f.exchange.respond(b64(""));
    ASSERT_EQ(step.kind, SaslStep::Complete);
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "");
}

TEST(SaslExchangeLogin, AcceptedEvenWithEverythingDisabled) {
    Fixture f(SaslMechanisms{false, false});
    EXPECT_EQ(f.exchange.start({"LOGIN"}).kind, SaslStep::Prompt);
    EXPECT_EQ(f.exchange.start({"PLAIN"}).kind, SaslStep::Prompt);
}

TEST(SaslExchangeLogin, Rejects) {
    Fixture f;
    expectReject(f.exchange.start({"LOGIN", "a", "b"}));
    expectReject(f.exchange.start({"LOGIN", "!!!"}),
                 "client sent invalid base64 encoding in AUTH LOGIN command");
    EXPECT_FALSE(f.exchange.inProgress());

    f.exchange.start({"LOGIN"});
    expectReject(f.exchange.respond("!!!"), "client sent invalid base64 encoding in AUTH LOGIN command");
    EXPECT_FALSE(f.exchange.inProgress());

    f.exchange.start({"LOGIN"});
    f.exchange.respond(b64("user"));
    expectReject(f.exchange.respond("!!!"), "client sent invalid base64 encoding in AUTH LOGIN command");
    EXPECT_FALSE(f.exchange.inProgress());
}

TEST(SaslExchangePlain, EmptyPromptThenResponse) {
    Fixture f;
    SaslStep step = f.exchange.start({"Plain"});
    ASSERT_EQ(step.kind, SaslStep::Prompt);
    EXPECT_EQ(step.prompt.kind, SaslPrompt::Empty);
    EXPECT_EQ(step.prompt.line("+ "), "+ \r\n");
    EXPECT_EQ(f.exchange.stage(), SaslExchange::Stage::Plain);

    step = f.exchange.respond(b64(std::string("\0user\0pass", 10)));
    ASSERT_EQ(step.kind, SaslStep::Complete);
    EXPECT_EQ(step.credentials.method, "plain");
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "pass");
    EXPECT_TRUE(step.credentials.hasPassword);
}

TEST(SaslExchangePlain, InitialResponse) {
    Fixture f;
    SaslStep step = f.exchange.start({"PLAIN", b64(std::string("z\0u\0p", 5))});
    ASSERT_EQ(step.kind, SaslStep::Complete);
    EXPECT_EQ(step.credentials.login, "u");
    EXPECT_EQ(step.credentials.password, "p");
    EXPECT_FALSE(f.exchange.inProgress());
}

TEST(SaslExchangePlain, Rejects) {
    Fixture f;
    expectReject(f.exchange.start({"PLAIN", "a", "b"}));
    expectReject(f.exchange.start({"PLAIN", b64("nonul")}),
                 "client sent invalid login in AUTH PLAIN command");
    f.exchange.start({"PLAIN"});
    expectReject(f.exchange.respond(b64(std::string("\0user", 5))),
                 "client sent invalid password in AUTH PLAIN command");
    EXPECT_FALSE(f.exchange.inProgress());
}

TEST(SaslExchangeCramMd5, ChallengeIsTheBase64OfTheSaltWithAngleBrackets) {
    SaslExchange exchange(SaslMechanisms{true, false}, [] { return std::string("<1.2@h>"); });
    EXPECT_EQ(exchange.start({"CRAM-MD5"}).prompt.line("+ "), "+ PDEuMkBoPg==\r\n");
}

TEST(SaslExchangeCramMd5, ChallengeFromTheSaltMadeOnce) {
    Fixture f;
    SaslStep step = f.exchange.start({"CRAM-MD5"});
    ASSERT_EQ(step.kind, SaslStep::Prompt);
    EXPECT_EQ(step.prompt.kind, SaslPrompt::Challenge);
    EXPECT_EQ(step.prompt.payload, b64(kSalt));
    EXPECT_EQ(step.prompt.line("334 "), "334 " + b64(kSalt) + "\r\n");
    EXPECT_EQ(step.prompt.line("+ "), "+ " + b64(kSalt) + "\r\n");
    EXPECT_EQ(f.exchange.stage(), SaslExchange::Stage::CramMd5);

    step = f.exchange.respond(b64("user " + kDigest));
    ASSERT_EQ(step.kind, SaslStep::Complete);
    EXPECT_EQ(step.credentials.method, "cram-md5");
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, kDigest);
    EXPECT_TRUE(step.credentials.hasPassword);
    EXPECT_EQ(step.credentials.salt, kSalt);

    EXPECT_EQ(f.exchange.start({"cram-md5"}).prompt.payload, b64(kSalt));
    EXPECT_EQ(f.saltsMade, 1);
    EXPECT_EQ(f.exchange.salt(), kSalt);
}

TEST(SaslExchangeCramMd5, Rejects) {
    Fixture f;
    expectReject(f.exchange.start({"CRAM-MD5", b64("user " + kDigest)}));  // no initial response
    f.exchange.start({"CRAM-MD5"});
    expectReject(f.exchange.respond(b64("user short")),
                 "client sent invalid CRAM-MD5 hash in AUTH CRAM-MD5 command");
    EXPECT_FALSE(f.exchange.inProgress());

    Fixture disabled(SaslMechanisms{false, true});
    expectReject(disabled.exchange.start({"CRAM-MD5"}));
    EXPECT_EQ(disabled.saltsMade, 0);
}

TEST(SaslExchangeCramMd5, NoSaltMakerGivesAnEmptySalt) {
    SaslExchange exchange(SaslMechanisms{true, false}, nullptr);
    SaslStep step = exchange.start({"CRAM-MD5"});
    ASSERT_EQ(step.kind, SaslStep::Prompt);
    EXPECT_EQ(step.prompt.line("+ "), "+ \r\n");
    EXPECT_EQ(exchange.salt(), "");
}

TEST(SaslExchangeExternal, UsernamePromptThenLogin) {
    Fixture f;
    SaslStep step = f.exchange.start({"EXTERNAL"});
    ASSERT_EQ(step.kind, SaslStep::Prompt);
    EXPECT_EQ(step.prompt.kind, SaslPrompt::Username);
    EXPECT_EQ(step.prompt.line("+ "), "+ VXNlcm5hbWU6\r\n");
    EXPECT_EQ(f.exchange.stage(), SaslExchange::Stage::External);

    step = f.exchange.respond("");
    ASSERT_EQ(step.kind, SaslStep::Complete);
    EXPECT_EQ(step.credentials.method, "external");
    EXPECT_EQ(step.credentials.login, "");
    EXPECT_FALSE(step.credentials.hasPassword);
}

TEST(SaslExchangeExternal, InitialResponseAcceptedEvenWhenDisabled) {
    Fixture f(SaslMechanisms{false, false});
    expectReject(f.exchange.start({"EXTERNAL"}));
    SaslStep step = f.exchange.start({"EXTERNAL", b64("cert-user")});
    ASSERT_EQ(step.kind, SaslStep::Complete);
    EXPECT_EQ(step.credentials.method, "external");
    EXPECT_EQ(step.credentials.login, "cert-user");
    expectReject(f.exchange.start({"EXTERNAL", "a", "b"}));
    expectReject(f.exchange.start({"EXTERNAL", "!"}),
                 "client sent invalid base64 encoding in AUTH EXTERNAL command");
}

TEST(SaslExchangeStart, UnknownMechanismOrNoneAtAll) {
    Fixture f;
    expectReject(f.exchange.start({}));
    expectReject(f.exchange.start({"DIGEST-MD5"}));
    expectReject(f.exchange.start({"XOAUTH2", "abc"}));
    EXPECT_FALSE(f.exchange.inProgress());
}

TEST(SaslExchangeRespond, WithoutAnExchangeIsRejected) {
    Fixture f;
    expectReject(f.exchange.respond(b64("user")));
}

TEST(SaslExchangeReset, ForgetsTheExchange) {
    Fixture f;
    f.exchange.start({"LOGIN", b64("first")});
    f.exchange.reset();
    EXPECT_FALSE(f.exchange.inProgress());
    expectReject(f.exchange.respond(b64("pass")));

    f.exchange.start({"LOGIN"});
    f.exchange.respond(b64("second"));
    SaslStep step = f.exchange.respond(b64("pass"));
    ASSERT_EQ(step.kind, SaslStep::Complete);
    EXPECT_EQ(step.credentials.login, "second");
}

TEST(SaslExchangeRandom, NeverCrashesAndEndsEveryExchange) {
    std::mt19937 rng(4242);
    const std::vector<std::string> names = {"PLAIN", "LOGIN", "CRAM-MD5", "EXTERNAL", "login", "x", ""};
    auto randomText = [&rng] {
        std::string text(rng() % 12, '\0');
        for (char& c : text) c = static_cast<char>(rng() % 256);
        if (rng() % 2) return b64(text);
        return text;
    };
    for (int round = 0; round < 5000; ++round) {
        Fixture f(SaslMechanisms{rng() % 2 == 0, rng() % 2 == 0});
        std::vector<std::string> args;
        if (rng() % 8) args.push_back(names[rng() % names.size()]);
        while (rng() % 3 == 0) args.push_back(randomText());
        SaslStep step = f.exchange.start(args);
        for (int i = 0; i < 4 && step.kind == SaslStep::Prompt; ++i) {
            ASSERT_TRUE(f.exchange.inProgress());
            step = f.exchange.respond(randomText());
        }
        if (step.kind != SaslStep::Prompt) {
            EXPECT_FALSE(f.exchange.inProgress());
        }
        EXPECT_LE(f.saltsMade, 1);
    }
}

}  // namespace
}  // namespace mailwire::sasl
