// Arbitrary client and backend bytes never crash, hang or break the protocol's invariants.
#include <gtest/gtest.h>

#include <random>

#include "Pop3Driver.h"
#include "pop3/Pop3BackendLogin.h"

namespace mailwire::pop3::testing {
namespace {

using mail::ClientStep;

// Bytes biased towards the grammar's interesting characters.
std::string randomChunk(std::mt19937& random, size_t maxLength) {
    static const std::string alphabet = " \r\n*+=/0123456789aAzZ-USERPASSAPOPAUTHNOOPCAPAQUITSTLSplain";
    std::string chunk(random() % (maxLength + 1), '\0');
    for (char& c : chunk) {
        c = (random() % 4 == 0) ? static_cast<char>(random() & 0xff) : alphabet[random() % alphabet.size()];
    }
    return chunk;
}

const char* const kFragments[] = {"USER ",
                                  "PASS ",
                                  "APOP ",
                                  "AUTH ",
                                  "NOOP",
                                  "CAPA",
                                  "QUIT",
                                  "STLS",
                                  "PLAIN",
                                  "LOGIN",
                                  "CRAM-MD5",
                                  "EXTERNAL",
                                  "AHVAcA==",
                                  "dXNlcg==",
                                  "\r\n",
                                  "\n",
                                  " ",
                                  "*",
                                  "\r",
                                  "=",
                                  "USER u\r\n",
                                  "PASS p w\r\n",
                                  "APOP u d\r\n",
                                  "AUTH PLAIN AHVAcA==\r\n",
                                  "AUTH LOGIN\r\ndXNlcg==\r\n",
                                  "AUTH CRAM-MD5\r\n",
                                  "AUTH EXTERNAL\r\n",
                                  "AUTH\r\n",
                                  "STAT\r\n",
                                  "x y z w v\r\n"};

TEST(Pop3Fuzz, RandomClientBytesNeverCrash) {
    std::mt19937 random(20260821);
    int counts[4] = {0, 0, 0, 0};
    for (int session = 0; session < 10000; ++session) {
        config::ServerConfig server = defaultServer();
        server.maxErrors = 1 + static_cast<int>(random() % 50);
        server.pop3Auth = static_cast<unsigned>(random() % 64);
        server.starttls = static_cast<config::StartTls>(random() % 3);
        if (random() % 8 == 0) server.pop3Capabilities.clear();
        Pop3Driver pop3(server);
        ASSERT_FALSE(pop3.protocol.greeting().empty());
        bool closed = false;
        for (int round = 0; round < 40 && !closed; ++round) {
            std::string input;
            if (random() % 4 == 0) {
                input = randomChunk(random, 48);
            } else {
                for (int n = 1 + random() % 4; n > 0; --n)
                    input += kFragments[random() % std::size(kFragments)];
                if (random() % 2) input += "\r\n";
            }
            for (const ClientStep& step : pop3.feed(input)) {
                ASSERT_NE(step.kind, ClientStep::NeedMore);
                ++counts[step.kind];
                if (step.kind == ClientStep::Close) closed = true;
                if (step.kind == ClientStep::Authenticate) {
                    const std::string& method = step.credentials.method;
                    ASSERT_TRUE(method == "plain" || method == "apop" || method == "cram-md5" ||
                                method == "external");
                    ASSERT_EQ(step.credentials.salt.empty(), method != "apop" && method != "cram-md5");
                    ASSERT_FALSE(pop3.protocol.loginFailedReply("x", "").empty());
                    if (random() % 8 == 0) {
                        pop3.protocol.takeUnconsumedInput();
                        pop3.protocol.makeBackendLogin(step.credentials, {"127.0.0.1", ""})
                            ->onReply("+OK\r\n");
                        closed = true;
                    } else {
                        pop3.protocol.resetAfterFailedLogin();
                    }
                }
                if (step.kind == ClientStep::Reply) {
                    ASSERT_FALSE(step.output.empty());
                    ASSERT_EQ(step.output.substr(step.output.size() - 2), "\r\n");
                }
            }
            if (pop3.protocol.takeStartTlsRequest()) pop3.protocol.setTlsActive(true);
            size_t room = 0;
            pop3.protocol.readSpace(room);
            ASSERT_LE(room, 128u);
        }
    }
    // The inputs reach every outcome, so the loop exercises more than the first parse error.
    EXPECT_GT(counts[ClientStep::Reply], 30000);
    EXPECT_GT(counts[ClientStep::Authenticate], 1500);
    EXPECT_GT(counts[ClientStep::Close], 1500);
}

TEST(Pop3Fuzz, RandomBackendRepliesNeverCrash) {
    std::mt19937 random(4242);
    const char* const replies[] = {"+OK ready\r\n", "+OK\r\n", "-ERR no\r\n", "+\r\n", "\r\n", "+O", "K\r\n"};
    for (int session = 0; session < 3000; ++session) {
        Pop3BackendLogin login("user", "pw", random() % 2 == 0);
        std::string reply;
        for (int round = 0; round < 20; ++round) {
            reply +=
                random() % 2 ? randomChunk(random, 12) : std::string(replies[random() % std::size(replies)]);
            const mail::BackendStep step = login.onReply(reply);
            if (step.kind == mail::BackendStep::Send) reply.clear();
            if (step.kind == mail::BackendStep::Done || step.kind == mail::BackendStep::Failed) break;
        }
    }
}

}  // namespace
}  // namespace mailwire::pop3::testing
