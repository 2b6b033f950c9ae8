// The DNS codec: queries byte for byte, responses with compression, and garbage that must not crash.
#include <gtest/gtest.h>

#include <random>

#include "resolver/DnsMessage.h"

namespace mailwire::resolver {
namespace {

using namespace std::string_literals;

std::string u16(unsigned v) { return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)}; }
std::string u32(unsigned v) { return u16(v >> 16) + u16(v & 0xffff); }

std::string header(unsigned id, unsigned flags, unsigned qd, unsigned an) {
    return u16(id) + u16(flags) + u16(qd) + u16(an) + u16(0) + u16(0);
}

const std::string kPtrQuestion =
    "\x01"
    "1\x01"
    "0\x01"
    "0\x03"
    "127\x07in-addr\x04"
    "arpa\x00"s +
    u16(12) + u16(1);

TEST(DnsMessageTest, BuildsARecursiveQuery) {
    auto query = buildQuery(0x1234, "client.example.test", RecordType::A);
    ASSERT_TRUE(query);
    EXPECT_EQ(*query, header(0x1234, 0x0100, 1, 0) +
                          "\x06"
                          "client\x07"
                          "example\x04"
                          "test\x00"s +
                          u16(1) + u16(1));
    EXPECT_EQ(*buildQuery(7, "client.example.test.", RecordType::Aaaa), header(7, 0x0100, 1, 0) +
                                                                            "\x06"
                                                                            "client\x07"
                                                                            "example\x04"
                                                                            "test\x00"s +
                                                                            u16(28) + u16(1));
}

TEST(DnsMessageTest, RefusesNamesThatCannotBeEncoded) {
    EXPECT_FALSE(buildQuery(1, "a..b", RecordType::A));
    // Found by tests/fuzz (dns_message): "70.." was queried as "70".
    EXPECT_FALSE(buildQuery(1, "70..", RecordType::A));
    EXPECT_FALSE(buildQuery(1, "..", RecordType::A));
    EXPECT_FALSE(buildQuery(1, std::string(64, 'a') + ".test", RecordType::A));
    EXPECT_FALSE(buildQuery(1, std::string(254, 'a'), RecordType::A));
    EXPECT_TRUE(buildQuery(1, std::string(63, 'a') + ".test", RecordType::A));
}

TEST(DnsMessageTest, ReverseNames) {
    EXPECT_EQ(reverseName("127.0.0.1"), "1.0.0.127.in-addr.arpa");
    EXPECT_EQ(reverseName("192.0.2.45"), "45.2.0.192.in-addr.arpa");
    EXPECT_EQ(reverseName("2001:db8::1"),
              "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    EXPECT_EQ(reverseName("unix:"), "");
    EXPECT_EQ(reverseName(""), "");
}

TEST(DnsMessageTest, ParsesAPtrAnswerWithCompression) {
    const std::string target =
        "\x06"
        "client\x07"
        "example\x04"
        "test\x00"s;
    const std::string response = header(0xbeef, 0x8180, 1, 1) + kPtrQuestion + u16(0xc00c) + u16(12) +
                                 u16(1) + u32(300) + u16(static_cast<unsigned>(target.size())) + target;
    auto parsed = parseResponse(response);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->id, 0xbeef);
    EXPECT_EQ(parsed->rcode, kNoError);
    EXPECT_FALSE(parsed->truncated);
    EXPECT_EQ(parsed->questionName, "1.0.0.127.in-addr.arpa");
    EXPECT_EQ(parsed->questionType, 12);
    ASSERT_EQ(parsed->answers.size(), 1u);
    EXPECT_EQ(parsed->answers[0].name, "1.0.0.127.in-addr.arpa");
    EXPECT_EQ(parsed->answers[0].type, 12);
    EXPECT_EQ(parsed->answers[0].ttl, 300u);
    EXPECT_EQ(parsed->answers[0].value, "client.example.test");
}

TEST(DnsMessageTest, ParsesAddressesAndPointersInsideRdata) {
    const std::string question =
        "\x06"
        "client\x07"
        "example\x04"
        "test\x00"s +
        u16(1) + u16(1);
    // A CNAME whose target reuses "example.test" from the question (offset 12 + 7), then two A records.
    const std::string cnameTarget =
        "\x03"
        "www"s +
        u16(0xc013);
    const std::string response = header(1, 0x8180, 1, 3) + question + u16(0xc00c) + u16(5) + u16(1) +
                                 u32(60) + u16(static_cast<unsigned>(cnameTarget.size())) + cnameTarget +
                                 u16(0xc00c) + u16(1) + u16(1) + u32(60) + u16(4) + "\x7f\x00\x00\x01"s +
                                 u16(0xc00c) + u16(1) + u16(1) + u32(60) + u16(4) + "\xc0\x00\x02\x07"s;
    auto parsed = parseResponse(response);
    ASSERT_TRUE(parsed);
    ASSERT_EQ(parsed->answers.size(), 3u);
    EXPECT_EQ(parsed->answers[0].value, "www.example.test");
    EXPECT_EQ(parsed->answers[1].value, "127.0.0.1");
    EXPECT_EQ(parsed->answers[2].value, "192.0.2.7");
}

TEST(DnsMessageTest, ParsesAaaaAndRcodes) {
    const std::string question =
        "\x01"
        "h\x00"s +
        u16(28) + u16(1);
    std::string v6(16, '\0');
    v6[15] = 1;
    auto parsed = parseResponse(header(2, 0x8180, 1, 1) + question + u16(0xc00c) + u16(28) + u16(1) + u32(1) +
                                u16(16) + v6);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->answers.at(0).value, "::1");
    EXPECT_EQ(parseResponse(header(3, 0x8183, 1, 0) + question)->rcode, kNxDomain);
    EXPECT_EQ(parseResponse(header(3, 0x8182, 1, 0) + question)->rcode, kServFail);
    EXPECT_TRUE(parseResponse(header(3, 0x8380, 1, 0) + question)->truncated);
}

TEST(DnsMessageTest, RejectsMalformedResponses) {
    const std::string question =
        "\x01"
        "h\x00"s +
        u16(1) + u16(1);
    EXPECT_FALSE(parseResponse(""));
    EXPECT_FALSE(parseResponse(header(1, 0x8180, 1, 0)));             // question missing
    EXPECT_FALSE(parseResponse(header(1, 0x0100, 1, 0) + question));  // a query, not a response
    EXPECT_FALSE(parseResponse(header(1, 0x8180, 0, 0)));             // no question
    EXPECT_FALSE(parseResponse(header(1, 0x8180, 1, 1) + question));  // answer missing
    EXPECT_FALSE(parseResponse(header(1, 0x8180, 1, 1) + question + u16(0xc00c) + u16(1) + u16(1) + u32(1) +
                               u16(4) + "\x7f"s));  // rdata cut short
    // A pointer to itself, and two pointers to each other.
    EXPECT_FALSE(parseResponse(header(1, 0x8180, 1, 0) + u16(0xc00c) + u16(1) + u16(1)));
    EXPECT_FALSE(parseResponse(header(1, 0x8180, 1, 0) + u16(0xc00e) + u16(0xc00c) + u16(1) + u16(1)));
    // A name longer than 255 bytes made of pointers back to one long label sequence.
    std::string longName;
    for (int i = 0; i < 5; ++i) longName += "\x3f"s + std::string(63, 'a');
    EXPECT_FALSE(parseResponse(header(1, 0x8180, 1, 0) + longName + "\x00"s + u16(1) + u16(1)));
}

TEST(DnsMessageTest, AnAddressRecordOfTheWrongSizeHasNoValue) {
    const std::string question =
        "\x01"
        "h\x00"s +
        u16(1) + u16(1);
    auto parsed = parseResponse(header(1, 0x8180, 1, 1) + question + u16(0xc00c) + u16(1) + u16(1) + u32(1) +
                                u16(3) + "\x7f\x00\x00"s);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->answers.at(0).value, "");
}

TEST(DnsMessageTest, RandomInputNeverCrashes) {
    std::mt19937 random(20261122);
    const std::string target =
        "\x06"
        "client\x07"
        "example\x04"
        "test\x00"s;
    const std::string valid = header(0xbeef, 0x8180, 1, 1) + kPtrQuestion + u16(0xc00c) + u16(12) + u16(1) +
                              u32(300) + u16(static_cast<unsigned>(target.size())) + target;
    for (int round = 0; round < 20000; ++round) {
        std::string data;
        if (round % 2 == 0) {  // pure noise, often with a response header so the parser goes deeper
            data.resize(random() % 300);
            for (auto& c : data) c = static_cast<char>(random());
            if (data.size() > 12 && round % 4 == 0)
                data.replace(0, 6, header(1, 0x8180, 1, random() % 4).substr(0, 6));
        } else {  // a valid response with a few bytes flipped, cut or pointers planted
            data = valid;
            for (int flips = 1 + random() % 4; flips > 0; --flips)
                data[random() % data.size()] = static_cast<char>(random());
            if (random() % 3 == 0) data.resize(random() % data.size());
        }
        auto parsed = parseResponse(data);
        if (parsed) {
            for (const auto& answer : parsed->answers) EXPECT_LE(answer.value.size(), 255u);
        }
    }
}

}  // namespace
}  // namespace mailwire::resolver
