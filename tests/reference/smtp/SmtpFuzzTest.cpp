// Random input never crashes, hangs or breaks the one-command-at-a-time contract (client side and backend
// side).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "SmtpDriver.h"
#include "smtp/SmtpBackendLogin.h"

namespace mailwire::smtp {
namespace {

using mail::ClientStep;

std::string randomChunk(std::mt19937& rng) {
    static const std::string pieces[] = {"HELO ",
                                         "EHLO ",
                                         "AUTH ",
                                         "PLAIN",
                                         "LOGIN",
                                         "CRAM-MD5",
                                         "EXTERNAL",
                                         "MAIL FROM:<a@b>",
                                         "RCPT TO:<c@d>",
                                         "RSET",
                                         "NOOP",
                                         "QUIT",
                                         "VRFY",
                                         "STARTTLS",
                                         "DATA",
                                         " ",
                                         "  ",
                                         "\r\n",
                                         "\n",
                                         "\r",
                                         "AGdvb2QAcHc=",
                                         "Z29vZA==",
                                         "*",
                                         "="};
    std::uniform_int_distribution<int> kind(0, 3);
    std::string chunk;
    const int count = std::uniform_int_distribution<int>(1, 6)(rng);
    for (int i = 0; i < count; ++i) {
        if (kind(rng) == 0) {
            const int n = std::uniform_int_distribution<int>(1, 12)(rng);
            for (int j = 0; j < n; ++j)
                chunk += static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
        } else {
            chunk += pieces[std::uniform_int_distribution<size_t>(0, std::size(pieces) - 1)(rng)];
        }
    }
    return chunk;
}

TEST(SmtpFuzz, RandomClientInput) {
    std::mt19937 rng(20260522);
    for (int round = 0; round < 3000; ++round) {
        config::ServerConfig server = testing::defaultServer();
        server.smtpClientBuffer = std::uniform_int_distribution<size_t>(8, 256)(rng);
        server.maxErrors = std::uniform_int_distribution<int>(1, 10)(rng);
        server.smtpAuth = std::uniform_int_distribution<unsigned>(0, 63)(rng) & ~unsigned{config::kAuthApop};
        server.starttls = static_cast<config::StartTls>(std::uniform_int_distribution<int>(0, 2)(rng));
        testing::SmtpDriver smtp(server);
        for (int i = 0; i < 30; ++i) {
            std::vector<ClientStep> steps = smtp.feed(randomChunk(rng));
            if (steps.empty()) continue;
            const ClientStep& last = steps.back();
            if (last.kind == ClientStep::Close) break;
            if (last.kind == ClientStep::Authenticate) {
                EXPECT_FALSE(last.credentials.method.empty());
                if (std::uniform_int_distribution<int>(0, 1)(rng) == 0) break;
                smtp.protocol.resetAfterFailedLogin();
            }
            for (const ClientStep& step : steps) {
                if (step.kind == ClientStep::Reply) {
                    EXPECT_FALSE(step.output.empty());
                }
            }
            if (smtp.protocol.takeStartTlsRequest()) smtp.protocol.setTlsActive(true);
        }
    }
}

TEST(SmtpFuzz, RandomBackendReplies) {
    std::mt19937 rng(7);
    static const std::string replies[] = {"220 hi\r\n", "250 ok\r\n",        "250-a\r\n", "250 b\r\n",
                                          "235 ok\r\n", "550 no\r\n",        "\r\n",      "25",
                                          "0 x\r\n",    "220-x\r\n220 y\r\n"};
    for (int round = 0; round < 3000; ++round) {
        SmtpBackendSettings settings;
        settings.serverName = "mx";
        settings.xclient = rng() & 1;
        settings.proxySmtpAuth = rng() & 1;
        settings.passErrorMessage = rng() & 1;
        SmtpLoginFacts facts;
        facts.esmtp = rng() & 1;
        facts.none = rng() & 1;
        facts.clientHelo = (rng() & 1) ? "h" : "";
        facts.passwordAvailable = rng() & 1;
        facts.login = "u";
        facts.clientIp = "127.0.0.1";
        facts.clientHost = "[UNAVAILABLE]";
        SmtpBackendLogin login(settings, facts);
        std::string buffer;
        for (int i = 0; i < 20; ++i) {
            if (rng() % 4 == 0) {
                buffer += static_cast<char>(rng() & 0xFF);
            } else {
                buffer += replies[rng() % std::size(replies)];
            }
            const mail::BackendStep step = login.onReply(buffer);
            if (step.kind == mail::BackendStep::Send) buffer.clear();
            if (step.kind == mail::BackendStep::Done || step.kind == mail::BackendStep::Failed) {
                EXPECT_FALSE(step.toClient.empty());
                break;
            }
        }
    }
}

}  // namespace
}  // namespace mailwire::smtp
