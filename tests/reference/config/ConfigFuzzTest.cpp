// Truncated and mangled configs must only ever produce ConfigError: never a crash, hang or other exception.
#include <gtest/gtest.h>

#include <random>

#include "config/ConfigLoader.h"
#include "reference/config/TempConfigDir.h"

namespace mailwire::config {
namespace {

using testing::TempConfigDir;

const char* kSeed =
    "# seed\n"
    "worker_processes 1;\n"
    "error_log stderr info;\n"
    "events { worker_connections 16; }\n"
    "mail {\n"
    "    auth_http 127.0.0.1:9000/auth;\n"
    "    auth_http_header X-K \"v \\\" q\";\n"
    "    imap_capabilities IMAP4rev1 'SASL-IR';\n"
    "    server {\n"
    "        listen 127.0.0.1:1143 backlog=8;\n"
    "        protocol imap;\n"
    "        timeout 5s; imap_auth plain login;\n"
    "        proxy_timeout 1h; imap_client_buffer 4k;\n"
    "    }\n"
    "}\n";

// Loading may succeed or throw ConfigError; any other exception fails the test.
void expectOnlyConfigError(const TempConfigDir& dir, const std::string& text) {
    try {
        dir.load(text);
    } catch (const ConfigError&) {
    } catch (const std::exception& e) {
        ADD_FAILURE() << "non-ConfigError exception " << e.what() << " for:\n" << text;
    }
}

TEST(ConfigFuzzTest, SeedIsValid) {
    TempConfigDir dir;
    EXPECT_EQ(dir.error(kSeed), "no error");
}

TEST(ConfigFuzzTest, EveryTruncationOnlyThrowsConfigError) {
    TempConfigDir dir;
    std::string seed = kSeed;
    for (size_t n = 0; n < seed.size(); ++n) expectOnlyConfigError(dir, seed.substr(0, n));
}

TEST(ConfigFuzzTest, RandomMutationsOnlyThrowConfigError) {
    TempConfigDir dir;
    std::mt19937 rng(12345);  // fixed seed: failures reproduce
    const std::string alphabet = "{};\"'\\# \n\tabc0:/*$x";
    std::string seed = kSeed;
    for (int round = 0; round < 1500; ++round) {
        std::string text = seed;
        int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits && !text.empty(); ++e) {
            size_t pos = rng() % text.size();
            switch (rng() % 3) {
                case 0:
                    text[pos] = alphabet[rng() % alphabet.size()];
                    break;
                case 1:
                    text.erase(pos, 1 + rng() % 8);
                    break;
                default:
                    text.insert(pos, 1, alphabet[rng() % alphabet.size()]);
                    break;
            }
        }
        expectOnlyConfigError(dir, text);
    }
}

TEST(ConfigFuzzTest, BinaryGarbageOnlyThrowsConfigError) {
    TempConfigDir dir;
    std::mt19937 rng(7);
    for (int round = 0; round < 200; ++round) {
        std::string text;
        size_t len = rng() % 300;
        for (size_t i = 0; i < len; ++i) text += static_cast<char>(rng() % 256);
        expectOnlyConfigError(dir, text);
    }
}

}  // namespace
}  // namespace mailwire::config
