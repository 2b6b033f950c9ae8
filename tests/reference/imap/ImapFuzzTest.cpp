// Arbitrary client and backend bytes never crash, hang or break the protocol's invariants.
#include <gtest/gtest.h>

#include <random>

#include "ImapDriver.h"
#include "imap/ImapBackendLogin.h"

namespace mailwire::imap::testing {
namespace {

using mail::ClientStep;

// Bytes biased towards the grammar's interesting characters.
std::string randomChunk(std::mt19937& random, size_t maxLength) {
    static const std::string alphabet = " \r\n\"\\{}+0123456789*aAzZ-._LOGINnoopAUTHENTICATEplain=/";
    std::string chunk(random() % (maxLength + 1), '\0');
    for (char& c : chunk) {
        c = (random() % 4 == 0) ? static_cast<char>(random() & 0xff) : alphabet[random() % alphabet.size()];
    }
    return chunk;
}

const char* const kFragments[] = {"a LOGIN ",
                                  "b AUTHENTICATE ",
                                  "PLAIN",
                                  "LOGIN",
                                  "CRAM-MD5",
                                  "EXTERNAL",
                                  "{3}\r\n",
                                  "{2+}\r\n",
                                  "\"q\\\"\"",
                                  "\r\n",
                                  "\n",
                                  "AHVAcA==",
                                  "dXNlcg==",
                                  "c NOOP",
                                  "d CAPABILITY",
                                  "e STARTTLS",
                                  "f LOGOUT",
                                  " ",
                                  "*",
                                  "\r",
                                  "g LOGIN u p\r\n",
                                  "h LOGIN {1}\r\nu {1+}\r\np\r\n",
                                  "i AUTHENTICATE PLAIN AHVAcA==\r\n",
                                  "j AUTHENTICATE LOGIN\r\ndXNlcg==\r\n",
                                  "k AUTHENTICATE CRAM-MD5\r\n",
                                  "l AUTHENTICATE EXTERNAL\r\n"};

TEST(ImapFuzz, RandomClientBytesNeverCrash) {
    std::mt19937 random(20260821);
    int counts[4] = {0, 0, 0, 0};
    for (int session = 0; session < 10000; ++session) {
        config::ServerConfig server = defaultServer();
        server.imapClientBuffer = 8 + random() % 120;
        server.maxErrors = 1 + static_cast<int>(random() % 50);
        server.imapAuth = static_cast<unsigned>(random() % 64);
        server.starttls = static_cast<config::StartTls>(random() % 3);
        ImapDriver imap(server);
        bool closed = false;
        for (int round = 0; round < 40 && !closed; ++round) {
            std::string input;
            if (random() % 4 == 0) {
                input = randomChunk(random, 24);
            } else {
                for (int n = 1 + random() % 4; n > 0; --n)
                    input += kFragments[random() % std::size(kFragments)];
                if (random() % 2) input += "\r\n";
            }
            for (const ClientStep& step : imap.feed(input)) {
                ASSERT_NE(step.kind, ClientStep::NeedMore);
                ++counts[step.kind];
                if (step.kind == ClientStep::Close) closed = true;
                if (step.kind == ClientStep::Authenticate) {
                    ASSERT_TRUE(step.credentials.method == "plain" || step.credentials.method == "cram-md5" ||
                                step.credentials.method == "external");
                    ASSERT_FALSE(imap.protocol.loginFailedReply("x", "").empty());
                    if (random() % 8 == 0) {
                        imap.protocol.takeUnconsumedInput();
                        imap.protocol.makeBackendLogin(step.credentials, {"127.0.0.1", ""})
                            ->onReply("* OK\r\n");
                        closed = true;
                    } else {
                        imap.protocol.resetAfterFailedLogin();
                    }
                }
                if (step.kind == ClientStep::Reply) {
                    ASSERT_FALSE(step.output.empty());
                }
            }
            if (imap.protocol.takeStartTlsRequest()) imap.protocol.setTlsActive(true);
            size_t room = 0;
            imap.protocol.readSpace(room);
            ASSERT_LE(room, server.imapClientBuffer);
        }
    }
    // The inputs reach every outcome, so the loop exercises more than the first parse error.
    EXPECT_GT(counts[ClientStep::Reply], 30000);
    EXPECT_GT(counts[ClientStep::Authenticate], 1500);
    EXPECT_GT(counts[ClientStep::Close], 1500);
}

TEST(ImapFuzz, RandomBackendRepliesNeverCrash) {
    std::mt19937 random(4242);
    const char* const replies[] = {"* OK ready\r\n", "+ go\r\n", "* CAPABILITY X\r\n",
                                   "t OK done\r\n",  "t NO\r\n", "+\r\n",
                                   "\r\n",           "* \r\n",   "t "};
    for (int session = 0; session < 3000; ++session) {
        ImapBackendLogin login("t ", "user", "pw", random() % 2 == 0);
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
}  // namespace mailwire::imap::testing
