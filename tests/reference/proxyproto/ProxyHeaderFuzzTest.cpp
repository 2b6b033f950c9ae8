// Random and mutated input for the parser. Each input lives in a heap block of exactly its size, so the
// sanitizer build (MAILWIRE_SANITIZE) catches any read past the end.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ProxyV2Bytes.h"
#include "proxyproto/ProxyHeader.h"
#include "proxyproto/ProxyHeaderWriter.h"

namespace mailwire::proxyproto {
namespace {

class Input {
  public:
    explicit Input(const std::string& bytes) : size_(bytes.size()), data_(new char[bytes.size()]) {
        std::copy(bytes.begin(), bytes.end(), data_.get());
    }
    std::string_view view(size_t length) const { return {data_.get(), std::min(length, size_)}; }
    std::string_view view() const { return view(size_); }

  private:
    size_t size_;
    std::unique_ptr<char[]> data_;
};

// What every result must satisfy, whatever the input.
void checkInvariants(std::string_view in, const ParseResult& result) {
    const std::string_view seen = in.substr(0, kMaxHeaderLength);
    if (result.status == ParseResult::Ok) {
        ASSERT_GT(result.length, 0u);
        ASSERT_LE(result.length, seen.size());
        if (seen[0] == 'P') {
            ASSERT_LE(result.length, kMaxV1HeaderLength);
            ASSERT_EQ(seen.substr(result.length - 2, 2), "\r\n");
        } else {
            ASSERT_EQ(seen.substr(0, 12), kV2Signature);
        }
        if (result.hasAddresses) {
            ASSERT_TRUE(result.family == AF_INET || result.family == AF_INET6);
            ASSERT_FALSE(result.sourceIp.empty());
            ASSERT_FALSE(result.destinationIp.empty());
        } else {
            ASSERT_EQ(result.family, 0);
        }
        ASSERT_TRUE(result.errorLog.empty());
    } else {
        ASSERT_EQ(result.length, 0u);
        ASSERT_FALSE(result.hasAddresses);
        ASSERT_LE(result.firstLine.size(), seen.size());
        ASSERT_EQ(result.firstLine.find_first_of("\r\n"), std::string::npos);
    }
}

// An Ok header parses the same from exactly its own bytes: the parser never needs what follows.
void checkExactLength(const Input& input, const ParseResult& result) {
    if (result.status != ParseResult::Ok) return;
    const ParseResult again = parseProxyHeader(input.view(result.length));
    ASSERT_EQ(again.status, ParseResult::Ok);
    ASSERT_EQ(again.length, result.length);
    ASSERT_EQ(again.sourceIp, result.sourceIp);
    ASSERT_EQ(again.destinationIp, result.destinationIp);
    ASSERT_EQ(again.sourcePort, result.sourcePort);
    ASSERT_EQ(again.destinationPort, result.destinationPort);
}

class Generator {
  public:
    explicit Generator(uint32_t seed) : random_(seed) {}

    std::string next() {
        switch (pick(4)) {
            case 0:
                return randomBytes(pick(64));
            case 1:
                return seed() + biasedBytes(pick(140));
            case 2:
                return mutate(validHeader());
            default: {
                std::string v2 = v2Header(pick(2) ? 0x21 : randomByte(), randomByte(), randomBytes(pick(60)));
                if (pick(2)) v2[14] = static_cast<char>(pick(3)), v2[15] = static_cast<char>(randomByte());
                return v2.substr(0, pick(static_cast<uint32_t>(v2.size()) + 1)) + randomBytes(pick(8));
            }
        }
    }

  private:
    uint32_t pick(uint32_t bound) { return bound == 0 ? 0 : random_() % bound; }
    int randomByte() { return static_cast<int>(pick(256)); }

    std::string randomBytes(size_t n) {
        std::string out(n, '\0');
        for (char& c : out) c = static_cast<char>(randomByte());
        return out;
    }

    // Mostly the characters a v1 header is made of.
    std::string biasedBytes(size_t n) {
        static const std::string kAlphabet = "0123456789abcdefABCDEF.: \r\nPROXYTCP46UNKOW+-";
        std::string out(n, '\0');
        for (char& c : out)
            c = pick(10) == 0 ? static_cast<char>(randomByte()) : kAlphabet[pick(kAlphabet.size())];
        return out;
    }

    std::string seed() {
        static const std::vector<std::string> kSeeds = {"",
                                                        "PROXY ",
                                                        "PROXY TCP4 ",
                                                        "PROXY TCP6 ",
                                                        "PROXY UNKNOWN",
                                                        "PROXY TCP4 192.0.2.7 ",
                                                        "PROXY TCP4 192.0.2.7 198.51.100.1 ",
                                                        "PROXY TCP6 ::1 ::1 1 ",
                                                        std::string(kV2Signature),
                                                        std::string(kV2Signature) + "\x21\x11"};
        return kSeeds[pick(kSeeds.size())];
    }

    std::string validHeader() {
        switch (pick(6)) {
            case 0:
                return "PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\r\n";
            case 1:
                return "PROXY TCP6 2001:db8::7 ::ffff:192.0.2.1 1 65535\r\n";
            case 2:
                return "PROXY UNKNOWN whatever\r\n";
            case 3:
                return proxyV2Header({*endpointFromText("192.0.2.7", 1), *endpointFromText("::1", 2)},
                                     nullptr);
            case 4: {
                V2TlsInfo tls;
                tls.serverName = "mail.example.com";
                tls.version = "TLSv1.3";
                tls.commonName = "cn";
                return proxyV2Header({*endpointFromText("10.0.0.1", 3), *endpointFromText("10.0.0.2", 4)},
                                     &tls);
            }
            default:
                return v2Header(0x20, 0x00, randomBytes(pick(20)));
        }
    }

    std::string mutate(std::string bytes) {
        switch (pick(4)) {
            case 0:  // flip a few bytes
                for (uint32_t i = pick(4) + 1; i > 0 && !bytes.empty(); --i)
                    bytes[pick(bytes.size())] = static_cast<char>(randomByte());
                return bytes;
            case 1:
                return bytes.substr(0, pick(static_cast<uint32_t>(bytes.size()) + 1));
            case 2:
                return bytes.insert(pick(static_cast<uint32_t>(bytes.size()) + 1), randomBytes(pick(4) + 1));
            default:
                return bytes + randomBytes(pick(32));
        }
    }

    std::mt19937 random_;
};

TEST(ProxyHeaderFuzz, RandomInputNeverReadsOutOfBounds) {
    Generator generator(0x5eed1234);
    int counts[3] = {};
    for (int i = 0; i < 200000; ++i) {
        const Input input(generator.next());
        const ParseResult result = parseProxyHeader(input.view());
        ++counts[result.status];
        ASSERT_NO_FATAL_FAILURE(checkInvariants(input.view(), result)) << i;
        ASSERT_NO_FATAL_FAILURE(checkExactLength(input, result)) << i;
    }
    // The generator reaches every outcome, so the loop exercises more than the first byte.
    EXPECT_GT(counts[ParseResult::Ok], 1000);
    EXPECT_GT(counts[ParseResult::Invalid], 1000);
    EXPECT_GT(counts[ParseResult::Incomplete], 1000);
}

TEST(ProxyHeaderFuzz, PrefixesOfIncompleteInputAreIncomplete) {
    Generator generator(42);
    for (int i = 0; i < 20000; ++i) {
        const Input input(generator.next());
        if (parseProxyHeader(input.view()).status != ParseResult::Incomplete) continue;
        for (size_t n = 0; n < input.view().size(); ++n) {
            ASSERT_EQ(parseProxyHeader(input.view(n)).status, ParseResult::Incomplete) << i << " at " << n;
        }
    }
}

TEST(ProxyHeaderFuzz, MoreBytesNeverChangeAnOkHeader) {
    Generator generator(99);
    for (int i = 0; i < 20000; ++i) {
        const std::string bytes = generator.next();
        const ParseResult first = parseProxyHeader(bytes);
        if (first.status != ParseResult::Ok) continue;
        const ParseResult longer = parseProxyHeader(bytes + generator.next());
        ASSERT_EQ(longer.status, ParseResult::Ok);
        ASSERT_EQ(longer.length, first.length);
        ASSERT_EQ(longer.sourceIp, first.sourceIp);
    }
}

}  // namespace
}  // namespace mailwire::proxyproto
