#include <gtest/gtest.h>
#include <sys/socket.h>

#include <random>
#include <string>
#include <vector>

#include "proxyproto/ProxyHeader.h"
#include "proxyproto/ProxyHeaderWriter.h"

namespace mailwire::proxyproto {
namespace {

V2Endpoint endpoint(const std::string& ip, uint16_t port) {
    const std::optional<V2Endpoint> parsed = endpointFromText(ip, port);
    EXPECT_TRUE(parsed.has_value()) << ip;
    return parsed.value_or(V2Endpoint{});
}

V2Endpoint unixEndpoint() {
    V2Endpoint e;
    e.family = AF_UNIX;
    return e;
}

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (const int v : values) out.push_back(static_cast<char>(v));
    return out;
}

struct Tlv {
    int type;
    std::string value;
};

// The TLVs of `region`, in order; a TLV running past the end fails the test.
std::vector<Tlv> tlvsOf(const std::string& region) {
    std::vector<Tlv> tlvs;
    size_t pos = 0;
    while (pos < region.size()) {
        EXPECT_LE(pos + 3, region.size());
        if (pos + 3 > region.size()) break;
        const size_t length =
            (static_cast<unsigned char>(region[pos + 1]) << 8) | static_cast<unsigned char>(region[pos + 2]);
        EXPECT_LE(pos + 3 + length, region.size());
        tlvs.push_back({static_cast<unsigned char>(region[pos]), region.substr(pos + 3, length)});
        pos += 3 + length;
    }
    return tlvs;
}

// The TLVs after the address block of a whole v2 header.
std::vector<Tlv> tlvsAfterAddresses(const std::string& header) {
    const int family = static_cast<unsigned char>(header[13]) >> 4;
    const size_t addresses = family == 1 ? 12 : family == 2 ? 36 : 0;
    return tlvsOf(header.substr(16 + addresses));
}

uint32_t bigEndian32(const std::string& four) {
    uint32_t value = 0;
    for (const char c : four) value = (value << 8) | static_cast<unsigned char>(c);
    return value;
}

// Bit at a time, independent of the table the writer uses.
uint32_t slowCrc32c(const std::string& data) {
    uint32_t crc = 0xFFFFFFFFu;
    for (const char c : data) {
        crc ^= static_cast<unsigned char>(c);
        for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
    }
    return ~crc;
}

// The header's last TLV is CRC32C, and it checks out over the header with its value zeroed.
void expectValidCrc(const std::string& header) {
    ASSERT_GE(header.size(), 16u + 7u);
    EXPECT_EQ(header.substr(header.size() - 7, 3), bytes({0x03, 0x00, 0x04}));
    std::string zeroed = header;
    zeroed.replace(zeroed.size() - 4, 4, std::string(4, '\0'));
    EXPECT_EQ(bigEndian32(header.substr(header.size() - 4)), slowCrc32c(zeroed));
}

// --- v1 -------------------------------------------------------------------------------------------------

TEST(ProxyV1Writer, ExactStrings) {
    EXPECT_EQ(proxyV1Header(AF_INET, "192.0.2.7", 40000, "127.0.0.1", 18030),
              "PROXY TCP4 192.0.2.7 127.0.0.1 40000 18030\r\n");
    EXPECT_EQ(proxyV1Header(AF_INET6, "2001:db8::7", 1, "::1", 65535),
              "PROXY TCP6 2001:db8::7 ::1 1 65535\r\n");
    EXPECT_EQ(proxyV1Header(AF_INET, "0.0.0.0", 0, "0.0.0.0", 0), "PROXY TCP4 0.0.0.0 0.0.0.0 0 0\r\n");
    EXPECT_EQ(proxyV1Header(AF_UNIX, "unix:", 0, "unix:/run/mail.sock", 0), "PROXY UNKNOWN\r\n");
    EXPECT_EQ(proxyV1Header(0, "", 0, "", 0), "PROXY UNKNOWN\r\n");
}

TEST(ProxyV1Writer, RoundTripsThroughTheParser) {
    const std::string header = proxyV1Header(AF_INET6, "2001:db8::7", 40000, "2001:db8::1", 993);
    const ParseResult result = parseProxyHeader(header);
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.length, header.size());
    EXPECT_EQ(result.sourceIp, "2001:db8::7");
    EXPECT_EQ(result.destinationIp, "2001:db8::1");
    EXPECT_EQ(result.sourcePort, 40000);
    EXPECT_EQ(result.destinationPort, 993);
}

// --- CRC32C ---------------------------------------------------------------------------------------------

TEST(Crc32c, KnownVectors) {
    EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
    EXPECT_EQ(crc32c(""), 0u);
    // RFC 3720 B.4 (iSCSI).
    EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);
    EXPECT_EQ(crc32c(std::string(32, '\xff')), 0x62A8AB43u);
    std::string ascending;
    for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
    EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
}

TEST(Crc32c, MatchesTheBitwiseDefinition) {
    std::mt19937 random(7);
    for (int i = 0; i < 200; ++i) {
        std::string data(random() % 300, '\0');
        for (char& c : data) c = static_cast<char>(random());
        EXPECT_EQ(crc32c(data), slowCrc32c(data));
    }
}

// --- v2 -------------------------------------------------------------------------------------------------

TEST(ProxyV2Writer, Ipv4ExactBytes) {
    const std::string header =
        proxyV2Header({endpoint("192.0.2.7", 40000), endpoint("127.0.0.1", 18030)}, nullptr);
    const std::string expected = std::string(kV2Signature) + bytes({0x21, 0x11, 0x00, 19}) +
                                 bytes({192, 0, 2, 7, 127, 0, 0, 1, 0x9c, 0x40, 0x46, 0x6e}) +
                                 bytes({0x03, 0x00, 0x04});
    ASSERT_EQ(header.size(), expected.size() + 4);
    EXPECT_EQ(header.substr(0, expected.size()), expected);
    expectValidCrc(header);
}

TEST(ProxyV2Writer, Ipv4RoundTrip) {
    const std::string header =
        proxyV2Header({endpoint("192.0.2.7", 40000), endpoint("127.0.0.1", 18030)}, nullptr);
    const ParseResult result = parseProxyHeader(header + "* OK\r\n");
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.length, header.size());
    EXPECT_EQ(result.family, AF_INET);
    EXPECT_EQ(result.sourceIp, "192.0.2.7");
    EXPECT_EQ(result.destinationIp, "127.0.0.1");
    EXPECT_EQ(result.sourcePort, 40000);
    EXPECT_EQ(result.destinationPort, 18030);
}

TEST(ProxyV2Writer, Ipv6RoundTrip) {
    const std::string header = proxyV2Header({endpoint("2001:db8::7", 1), endpoint("::1", 2)}, nullptr);
    EXPECT_EQ(header.substr(12, 4), bytes({0x21, 0x21, 0x00, 36 + 7}));
    expectValidCrc(header);
    const ParseResult result = parseProxyHeader(header);
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.family, AF_INET6);
    EXPECT_EQ(result.sourceIp, "2001:db8::7");
    EXPECT_EQ(result.destinationIp, "::1");
    EXPECT_EQ(result.sourcePort, 1);
    EXPECT_EQ(result.destinationPort, 2);
}

TEST(ProxyV2Writer, MixedFamiliesArePromotedToIpv6) {
    const std::string header =
        proxyV2Header({endpoint("192.0.2.7", 40000), endpoint("2001:db8::1", 143)}, nullptr);
    EXPECT_EQ(static_cast<unsigned char>(header[13]), 0x21);
    expectValidCrc(header);
    const ParseResult result = parseProxyHeader(header);
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.sourceIp, "::ffff:192.0.2.7");
    EXPECT_EQ(result.destinationIp, "2001:db8::1");

    const ParseResult reversed =
        parseProxyHeader(proxyV2Header({endpoint("2001:db8::7", 1), endpoint("127.0.0.1", 2)}, nullptr));
    ASSERT_EQ(reversed.status, ParseResult::Ok);
    EXPECT_EQ(reversed.destinationIp, "::ffff:127.0.0.1");
}

TEST(ProxyV2Writer, TwoIpv4MappedSidesAreDemotedToIpv4) {
    const std::string header =
        proxyV2Header({endpoint("::ffff:192.0.2.7", 40000), endpoint("::ffff:127.0.0.1", 110)}, nullptr);
    EXPECT_EQ(header.substr(12, 4), bytes({0x21, 0x11, 0x00, 19}));
    const ParseResult result = parseProxyHeader(header);
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.family, AF_INET);
    EXPECT_EQ(result.sourceIp, "192.0.2.7");
    EXPECT_EQ(result.destinationIp, "127.0.0.1");
    EXPECT_EQ(result.sourcePort, 40000);
    EXPECT_EQ(result.destinationPort, 110);

    // Only one side mapped: stays IPv6.
    const std::string one = proxyV2Header({endpoint("::ffff:192.0.2.7", 1), endpoint("::1", 2)}, nullptr);
    EXPECT_EQ(static_cast<unsigned char>(one[13]), 0x21);
}

TEST(ProxyV2Writer, UnknownFamilyIsLocalUnspec) {
    for (const V2Endpoints& endpoints :
         {V2Endpoints{unixEndpoint(), unixEndpoint()}, V2Endpoints{endpoint("192.0.2.7", 1), unixEndpoint()},
          V2Endpoints{unixEndpoint(), endpoint("::1", 2)}}) {
        const std::string header = proxyV2Header(endpoints, nullptr);
        EXPECT_EQ(header.substr(12, 4), bytes({0x20, 0x00, 0x00, 7}));
        EXPECT_EQ(header.size(), 16u + 7u);
        expectValidCrc(header);
        const ParseResult result = parseProxyHeader(header);
        ASSERT_EQ(result.status, ParseResult::Ok);
        EXPECT_EQ(result.length, header.size());
        EXPECT_FALSE(result.hasAddresses);
    }
}

TEST(ProxyV2Writer, TlsTlvs) {
    V2TlsInfo tls;
    tls.serverName = "mail.example.com";
    tls.alpn = "imap";
    tls.version = "TLSv1.3";
    tls.cipher = "TLS_AES_256_GCM_SHA384";
    tls.signatureAlgorithm = "sha256WithRSAEncryption";
    tls.keyAlgorithm = "RSA2048";
    const std::string header =
        proxyV2Header({endpoint("192.0.2.7", 40000), endpoint("127.0.0.1", 993)}, &tls);
    expectValidCrc(header);
    ASSERT_EQ(parseProxyHeader(header).status, ParseResult::Ok);
    EXPECT_EQ(parseProxyHeader(header).length, header.size());

    const std::vector<Tlv> tlvs = tlvsAfterAddresses(header);
    ASSERT_EQ(tlvs.size(), 4u);
    EXPECT_EQ(tlvs[0].type, 0x02);
    EXPECT_EQ(tlvs[0].value, "mail.example.com");
    EXPECT_EQ(tlvs[1].type, 0x01);
    EXPECT_EQ(tlvs[1].value, "imap");
    EXPECT_EQ(tlvs[2].type, 0x20);
    EXPECT_EQ(tlvs[3].type, 0x03);

    // No client certificate: SSL only, verify 1, no CN.
    const std::string& ssl = tlvs[2].value;
    ASSERT_GE(ssl.size(), 5u);
    EXPECT_EQ(static_cast<unsigned char>(ssl[0]), 0x01);
    EXPECT_EQ(bigEndian32(ssl.substr(1, 4)), 1u);
    const std::vector<Tlv> sub = tlvsOf(ssl.substr(5));
    ASSERT_EQ(sub.size(), 4u);
    EXPECT_EQ(sub[0].type, 0x21);
    EXPECT_EQ(sub[0].value, "TLSv1.3");
    EXPECT_EQ(sub[1].type, 0x23);
    EXPECT_EQ(sub[1].value, "TLS_AES_256_GCM_SHA384");
    EXPECT_EQ(sub[2].type, 0x24);
    EXPECT_EQ(sub[2].value, "sha256WithRSAEncryption");
    EXPECT_EQ(sub[3].type, 0x25);
    EXPECT_EQ(sub[3].value, "RSA2048");
}

TEST(ProxyV2Writer, ClientCertificateFlagsAndVerify) {
    V2TlsInfo tls;
    tls.version = "TLSv1.2";
    tls.cipher = "ECDHE-RSA-AES128-GCM-SHA256";
    tls.commonName = "client one";
    tls.clientCertificate = true;
    tls.certificateOnThisConnection = true;
    tls.verifyResult = 0;
    const auto sslTlv = [](const std::string& header) {
        for (const Tlv& tlv : tlvsAfterAddresses(header))
            if (tlv.type == 0x20) return tlv.value;
        ADD_FAILURE() << "no SSL TLV";
        return std::string();
    };

    std::string ssl = sslTlv(proxyV2Header({endpoint("192.0.2.7", 1), endpoint("127.0.0.1", 2)}, &tls));
    ASSERT_GE(ssl.size(), 5u);
    EXPECT_EQ(static_cast<unsigned char>(ssl[0]), 0x07);  // SSL | CERT_CONN | CERT_SESS
    EXPECT_EQ(bigEndian32(ssl.substr(1, 4)), 0u);
    std::vector<Tlv> sub = tlvsOf(ssl.substr(5));
    ASSERT_EQ(sub.size(), 3u);
    EXPECT_EQ(sub[0].type, 0x21);
    EXPECT_EQ(sub[1].type, 0x22);
    EXPECT_EQ(sub[1].value, "client one");
    EXPECT_EQ(sub[2].type, 0x23);

    // A resumed session: the certificate did not come on this connection.
    tls.certificateOnThisConnection = false;
    tls.verifyResult = 20;  // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    ssl = sslTlv(proxyV2Header({endpoint("192.0.2.7", 1), endpoint("127.0.0.1", 2)}, &tls));
    ASSERT_GE(ssl.size(), 5u);
    EXPECT_EQ(static_cast<unsigned char>(ssl[0]), 0x05);
    EXPECT_EQ(bigEndian32(ssl.substr(1, 4)), 20u);

    // Without a certificate the verify result is not sent: 1 stands for "no certificate".
    tls.clientCertificate = false;
    tls.certificateOnThisConnection = true;
    tls.commonName.clear();
    ssl = sslTlv(proxyV2Header({endpoint("192.0.2.7", 1), endpoint("127.0.0.1", 2)}, &tls));
    ASSERT_GE(ssl.size(), 5u);
    EXPECT_EQ(static_cast<unsigned char>(ssl[0]), 0x01);
    EXPECT_EQ(bigEndian32(ssl.substr(1, 4)), 1u);
}

TEST(ProxyV2Writer, EmptySniAndAlpnAreLeftOut) {
    V2TlsInfo tls;
    tls.version = "TLSv1.3";
    const std::string header = proxyV2Header({endpoint("::1", 1), endpoint("::1", 2)}, &tls);
    expectValidCrc(header);
    const std::vector<Tlv> tlvs = tlvsAfterAddresses(header);
    ASSERT_EQ(tlvs.size(), 2u);
    EXPECT_EQ(tlvs[0].type, 0x20);
    EXPECT_EQ(tlvs[1].type, 0x03);
}

TEST(ProxyV2Writer, TlsOnALocalHeader) {
    V2TlsInfo tls;
    tls.serverName = "mx";
    const std::string header = proxyV2Header({unixEndpoint(), unixEndpoint()}, &tls);
    EXPECT_EQ(header.substr(12, 2), bytes({0x20, 0x00}));
    expectValidCrc(header);
    const std::vector<Tlv> tlvs = tlvsAfterAddresses(header);
    ASSERT_EQ(tlvs.size(), 3u);
    EXPECT_EQ(tlvs[0].value, "mx");
    EXPECT_EQ(parseProxyHeader(header).length, header.size());
}

TEST(ProxyV2Writer, RandomEndpointsRoundTrip) {
    std::mt19937 random(20260821);
    for (int i = 0; i < 2000; ++i) {
        V2Endpoints endpoints;
        for (V2Endpoint* e : {&endpoints.client, &endpoints.local}) {
            e->family = random() % 2 ? AF_INET : AF_INET6;
            for (unsigned char& b : e->address) b = static_cast<unsigned char>(random());
            if (e->family == AF_INET) std::fill(e->address + 4, e->address + 16, 0);
            e->port = static_cast<uint16_t>(random());
        }
        const std::string header = proxyV2Header(endpoints, nullptr);
        expectValidCrc(header);
        const ParseResult result = parseProxyHeader(header);
        ASSERT_EQ(result.status, ParseResult::Ok);
        ASSERT_EQ(result.length, header.size());
        EXPECT_EQ(result.sourcePort, endpoints.client.port);
        EXPECT_EQ(result.destinationPort, endpoints.local.port);
        const std::optional<V2Endpoint> source = endpointFromText(result.sourceIp, result.sourcePort);
        ASSERT_TRUE(source.has_value()) << result.sourceIp;
        if (source->family == endpoints.client.family) {
            EXPECT_EQ(std::string(reinterpret_cast<const char*>(source->address), 16),
                      std::string(reinterpret_cast<const char*>(endpoints.client.address), 16));
        }
    }
}

TEST(EndpointFromText, ParsesBothFamilies) {
    const std::optional<V2Endpoint> v4 = endpointFromText("192.0.2.7", 25);
    ASSERT_TRUE(v4.has_value());
    EXPECT_EQ(v4->family, AF_INET);
    EXPECT_EQ(v4->address[0], 192);
    EXPECT_EQ(v4->address[3], 7);
    EXPECT_EQ(v4->port, 25);
    const std::optional<V2Endpoint> v6 = endpointFromText("2001:db8::1", 143);
    ASSERT_TRUE(v6.has_value());
    EXPECT_EQ(v6->family, AF_INET6);
    EXPECT_EQ(v6->address[15], 1);
    EXPECT_FALSE(endpointFromText("[::1]", 1).has_value());
    EXPECT_FALSE(endpointFromText("unix:", 0).has_value());
    EXPECT_FALSE(endpointFromText("", 0).has_value());
}

}  // namespace
}  // namespace mailwire::proxyproto
