#include <gtest/gtest.h>
#include <sys/socket.h>

#include <string>

#include "ProxyV2Bytes.h"
#include "proxyproto/ProxyHeader.h"

namespace mailwire::proxyproto {
namespace {

const std::string kTcp4 = "PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\r\n";
const std::string kTcp6 = "PROXY TCP6 2001:db8::7 2001:db8::1 40000 993\r\n";
const std::string kUnknown = "PROXY UNKNOWN\r\n";

std::string inet4Block() {
    return std::string(
        "\xc0\x00\x02\x07"  // 192.0.2.7
        "\xc6\x33\x64\x01"  // 198.51.100.1
        "\x9c\x40"          // 40000
        "\x00\x19",         // 25
        12);
}

std::string inet6Block() {
    std::string block(36, '\0');
    block[0] = '\x20', block[1] = '\x01', block[2] = '\x0d', block[3] = '\xb8',
    block[15] = '\x07';  // 2001:db8::7
    block[16] = '\x20', block[17] = '\x01', block[18] = '\x0d', block[19] = '\xb8', block[31] = '\x01';
    block[32] = '\x9c', block[33] = '\x40';  // 40000
    block[34] = '\x03', block[35] = '\xe1';  // 993
    return block;
}

void expectInvalid(const std::string& bytes) {
    const ParseResult result = parseProxyHeader(bytes);
    EXPECT_EQ(result.status, ParseResult::Invalid) << testing::PrintToString(bytes);
    EXPECT_EQ(result.length, 0u);
    EXPECT_FALSE(result.hasAddresses);
}

// --- v1 -------------------------------------------------------------------------------------------------

TEST(ProxyHeaderV1, Tcp4) {
    const ParseResult result = parseProxyHeader(kTcp4);
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.length, kTcp4.size());
    EXPECT_TRUE(result.hasAddresses);
    EXPECT_EQ(result.family, AF_INET);
    EXPECT_EQ(result.sourceIp, "192.0.2.7");
    EXPECT_EQ(result.destinationIp, "198.51.100.1");
    EXPECT_EQ(result.sourcePort, 40000);
    EXPECT_EQ(result.destinationPort, 25);
    EXPECT_EQ(result.errorLog, "");
}

TEST(ProxyHeaderV1, Tcp6) {
    const ParseResult result = parseProxyHeader(kTcp6);
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.length, kTcp6.size());
    EXPECT_EQ(result.family, AF_INET6);
    EXPECT_EQ(result.sourceIp, "2001:db8::7");
    EXPECT_EQ(result.destinationIp, "2001:db8::1");
    EXPECT_EQ(result.sourcePort, 40000);
    EXPECT_EQ(result.destinationPort, 993);
}

TEST(ProxyHeaderV1, AddressTextIsKeptAsSent) {
    // nginx copies the v1 address text; only v2 addresses are formatted.
    const ParseResult result = parseProxyHeader("PROXY TCP6 2001:DB8:0:0::7 ::ffff:192.0.2.1 1 2\r\n");
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.sourceIp, "2001:DB8:0:0::7");
    EXPECT_EQ(result.destinationIp, "::ffff:192.0.2.1");
}

TEST(ProxyHeaderV1, PortBounds) {
    const ParseResult result = parseProxyHeader("PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n");
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.sourcePort, 0);
    EXPECT_EQ(result.destinationPort, 65535);
    // ngx_atoi takes leading zeros.
    EXPECT_EQ(parseProxyHeader("PROXY TCP4 1.2.3.4 5.6.7.8 00080 025\r\n").sourcePort, 80);
}

TEST(ProxyHeaderV1, Unknown) {
    const ParseResult result = parseProxyHeader(kUnknown);
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.length, kUnknown.size());
    EXPECT_FALSE(result.hasAddresses);
    EXPECT_EQ(result.family, 0);
    EXPECT_EQ(result.sourceIp, "");
}

TEST(ProxyHeaderV1, UnknownTakesAnythingUpToCrlf) {
    const std::string header = "PROXY UNKNOWN TCP4 what ever\n\r \r\n";
    const ParseResult result = parseProxyHeader(header + "EHLO x\r\n");
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.length, header.size());
    EXPECT_FALSE(result.hasAddresses);
    EXPECT_EQ(parseProxyHeader("PROXY UNKNOWNx\r\n").status, ParseResult::Ok);
}

TEST(ProxyHeaderV1, TrailingBytesAreNotConsumed) {
    for (const std::string& header : {kTcp4, kTcp6, kUnknown}) {
        const ParseResult result = parseProxyHeader(header + "EHLO client.example\r\n");
        ASSERT_EQ(result.status, ParseResult::Ok) << header;
        EXPECT_EQ(result.length, header.size());
    }
    // Bytes right after the header that look like another one are still the protocol's.
    EXPECT_EQ(parseProxyHeader(kTcp4 + kTcp4).length, kTcp4.size());
}

TEST(ProxyHeaderV1, EveryPrefixIsIncomplete) {
    for (const std::string& header :
         {kTcp4, kTcp6, kUnknown, std::string("PROXY UNKNOWN 1.2.3.4\r\n"),
          std::string("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255 ::1 65535 65535\r\n")}) {
        for (size_t n = 0; n < header.size(); ++n) {
            const ParseResult result = parseProxyHeader(header.substr(0, n));
            EXPECT_EQ(result.status, ParseResult::Incomplete) << n << ": " << header.substr(0, n);
            EXPECT_EQ(result.length, 0u);
        }
        EXPECT_EQ(parseProxyHeader(header).status, ParseResult::Ok) << header;
    }
}

TEST(ProxyHeaderV1, IncompleteSaysWhatNginxWouldLog) {
    const ParseResult result = parseProxyHeader("PROXY TCP4 192.0.2.7 198.5");
    EXPECT_EQ(result.status, ParseResult::Incomplete);
    EXPECT_EQ(result.firstLine, "PROXY TCP4 192.0.2.7 198.5");
    EXPECT_EQ(result.errorLog, "broken header: \"PROXY TCP4 192.0.2.7 198.5\"");
}

TEST(ProxyHeaderV1, LongestAllowedLineIs107Bytes) {
    const std::string prefix = "PROXY UNKNOWN ";
    const std::string exact = prefix + std::string(107 - prefix.size() - 2, 'x') + "\r\n";
    ASSERT_EQ(exact.size(), 107u);
    EXPECT_EQ(parseProxyHeader(exact).status, ParseResult::Ok);
    EXPECT_EQ(parseProxyHeader(exact).length, 107u);

    const std::string tooLong = prefix + std::string(107 - prefix.size() - 1, 'x') + "\r\n";
    expectInvalid(tooLong);
    // No CRLF in the first 107 bytes: nothing more can make it a header.
    expectInvalid(prefix + std::string(107 - prefix.size(), 'x'));
    expectInvalid(prefix + std::string(300, 'x'));
    expectInvalid(prefix + std::string(107 - prefix.size() - 1, 'x') + "\r");
    // One byte short of the limit: more may come.
    EXPECT_EQ(parseProxyHeader(prefix + std::string(107 - prefix.size() - 1, 'x')).status,
              ParseResult::Incomplete);
}

TEST(ProxyHeaderV1, OversizedTcpLineIsInvalid) {
    // Valid fields, but leading zeros in a port make the line 107 bytes, then 108.
    const std::string start = "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255 ::1 ";
    const std::string longest = start + std::string(41, '0') + "1 2\r\n";
    ASSERT_EQ(longest.size(), 107u);
    EXPECT_EQ(parseProxyHeader(longest).status, ParseResult::Ok);
    EXPECT_EQ(parseProxyHeader(longest).sourcePort, 1);
    expectInvalid(start + std::string(42, '0') + "1 2\r\n");
}

TEST(ProxyHeaderV1, NotAProxyHeader) {
    const ParseResult result = parseProxyHeader("EHLO x\r\nMAIL FROM:<a@b>\r\n");
    EXPECT_EQ(result.status, ParseResult::Invalid);
    EXPECT_EQ(result.firstLine, "EHLO x");
    EXPECT_EQ(result.errorLog, "broken header: \"EHLO x\"");

    expectInvalid("GET / HTTP/1.0\r\n");
    expectInvalid("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n");
    expectInvalid("PROXY\r\n");
    expectInvalid("PROXYTCP4 1.2.3.4 5.6.7.8 1 2\r\n");
    expectInvalid("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n");
    expectInvalid("PROXY TCP4\r\n");
    expectInvalid("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n");
    expectInvalid("PROXY UNKNOWM\r\n");
    expectInvalid("PROXY \r\n");
    // Decided as soon as a byte differs, without waiting for more.
    expectInvalid("X");
    expectInvalid("PROXX");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 1x");
}

TEST(ProxyHeaderV1, FirstLineStopsAtCrOrLf) {
    EXPECT_EQ(parseProxyHeader("HELO a\nb\r\n").firstLine, "HELO a");
    EXPECT_EQ(parseProxyHeader("PROXY TCP4 x\r\n").firstLine, "PROXY TCP4 x");
    EXPECT_EQ(parseProxyHeader("no line end").firstLine, "no line end");
    EXPECT_EQ(parseProxyHeader("\r\nfoo").firstLine, "");
}

TEST(ProxyHeaderV1, AddressesAreCheckedByTheirCharactersOnly) {
    // As nginx 1.22 was seen to do: "TCP4 ::1" is accepted; realip later ignores what is not an address.
    for (const char* loose : {"PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n", "PROXY TCP4 ::1 5.6.7.8 1 2\r\n",
                              "PROXY TCP6 1.2.3.4 ::1 1 2\r\n"}) {
        const ParseResult result = parseProxyHeader(loose);
        EXPECT_EQ(result.status, ParseResult::Ok) << loose;
        EXPECT_TRUE(result.hasAddresses) << loose;
    }
}

TEST(ProxyHeaderV1, BadAddresses) {
    expectInvalid("PROXY TCP6 ::1 2001:db8::g 1 2\r\n");    // not a hex digit
    expectInvalid("PROXY TCP4 localhost 5.6.7.8 1 2\r\n");  // names are not addresses
    expectInvalid("PROXY TCP6 [::1] ::1 1 2\r\n");          // no brackets
    expectInvalid("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n");   // no zone
    expectInvalid("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n");   // two spaces
    expectInvalid("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n");
    expectInvalid("PROXY TCP4 1.2.3.4\t5.6.7.8 1 2\r\n");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8\r\n");
}

TEST(ProxyHeaderV1, BadPorts) {
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 99999999999999999999 2\r\n");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 +1 2\r\n");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 1 -2\r\n");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8  2\r\n");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 1 \r\n");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 1a 2\r\n");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 1  2\r\n");
}

TEST(ProxyHeaderV1, MustEndWithCrlf) {
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX");
    expectInvalid("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\r\n");
}

// --- v2 -------------------------------------------------------------------------------------------------

TEST(ProxyHeaderV2, Inet) {
    const std::string header = v2Header(0x21, 0x11, inet4Block());
    const ParseResult result = parseProxyHeader(header);
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.length, 28u);
    EXPECT_TRUE(result.hasAddresses);
    EXPECT_EQ(result.family, AF_INET);
    EXPECT_EQ(result.sourceIp, "192.0.2.7");
    EXPECT_EQ(result.destinationIp, "198.51.100.1");
    EXPECT_EQ(result.sourcePort, 40000);
    EXPECT_EQ(result.destinationPort, 25);
}

TEST(ProxyHeaderV2, Inet6) {
    const ParseResult result = parseProxyHeader(v2Header(0x21, 0x21, inet6Block()));
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.length, 52u);
    EXPECT_EQ(result.family, AF_INET6);
    EXPECT_EQ(result.sourceIp, "2001:db8::7");
    EXPECT_EQ(result.destinationIp, "2001:db8::1");
    EXPECT_EQ(result.sourcePort, 40000);
    EXPECT_EQ(result.destinationPort, 993);
}

TEST(ProxyHeaderV2, TlvsAreSkipped) {
    const std::string tlvs =
        std::string("\x02\x00\x0bmail.example", 14) + std::string("\x04\x00\x03\x00\x00\x00", 6);
    const std::string header = v2Header(0x21, 0x11, inet4Block() + tlvs);
    const ParseResult result = parseProxyHeader(header + "a001 LOGIN\r\n");
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.length, header.size());
    EXPECT_EQ(result.sourceIp, "192.0.2.7");
}

TEST(ProxyHeaderV2, Local) {
    const std::string header = v2Header(0x20, 0x00, "");
    const ParseResult result = parseProxyHeader(header + "EHLO x\r\n");
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.length, 16u);
    EXPECT_FALSE(result.hasAddresses);
    EXPECT_EQ(result.family, 0);

    // LOCAL may still carry an address block (and TLVs); it is skipped, not used.
    const std::string withBlock = v2Header(0x20, 0x11, inet4Block());
    const ParseResult skipped = parseProxyHeader(withBlock);
    ASSERT_EQ(skipped.status, ParseResult::Ok);
    EXPECT_EQ(skipped.length, withBlock.size());
    EXPECT_FALSE(skipped.hasAddresses);
}

TEST(ProxyHeaderV2, FamiliesWithoutAddresses) {
    // UNSPEC, UNIX/STREAM (216 bytes of paths), INET/DGRAM, INET6/UNSPEC: accepted, no addresses.
    for (const auto& [familyTransport, block] : {std::pair<int, std::string>{0x00, ""},
                                                 {0x31, std::string(216, 'p')},
                                                 {0x12, inet4Block()},
                                                 {0x20, inet6Block()},
                                                 {0xf1, "abc"}}) {
        const std::string header = v2Header(0x21, familyTransport, block);
        const ParseResult result = parseProxyHeader(header + "x");
        ASSERT_EQ(result.status, ParseResult::Ok) << familyTransport;
        EXPECT_EQ(result.length, header.size());
        EXPECT_FALSE(result.hasAddresses);
        EXPECT_EQ(result.family, 0);
    }
}

TEST(ProxyHeaderV2, AddressBlockShorterThanItsFamily) {
    expectInvalid(v2Header(0x21, 0x11, inet4Block().substr(0, 11)));
    expectInvalid(v2Header(0x21, 0x21, inet6Block().substr(0, 35)));
    expectInvalid(v2Header(0x21, 0x21, inet4Block()));  // INET6 with an INET block
}

TEST(ProxyHeaderV2, BadVersionOrCommand) {
    const ParseResult version1 = parseProxyHeader(v2Header(0x11, 0x11, inet4Block()));
    EXPECT_EQ(version1.status, ParseResult::Invalid);
    EXPECT_EQ(version1.errorLog, "unknown PROXY protocol version: 1");
    EXPECT_EQ(parseProxyHeader(v2Header(0x31, 0x11, inet4Block())).errorLog,
              "unknown PROXY protocol version: 3");
    expectInvalid(v2Header(0x01, 0x11, inet4Block()));
    // A command other than LOCAL and PROXY is read as LOCAL, as nginx does: no addresses.
    for (const unsigned char command : {0x22, 0x2f}) {
        const ParseResult result = parseProxyHeader(v2Header(command, 0x11, inet4Block()));
        EXPECT_EQ(result.status, ParseResult::Ok);
        EXPECT_FALSE(result.hasAddresses);
    }
    // The version byte alone decides it.
    expectInvalid(std::string(kV2Signature) + "\x11");
}

TEST(ProxyHeaderV2, BadSignature) {
    std::string header = v2Header(0x21, 0x11, inet4Block());
    header[11] = 'X';
    const ParseResult result = parseProxyHeader(header);
    EXPECT_EQ(result.status, ParseResult::Invalid);
    EXPECT_EQ(result.firstLine, "");
    EXPECT_EQ(result.errorLog, "broken header: \"\"");
    expectInvalid("\r\n\r\n\r\n");
    expectInvalid(std::string("\r\n\r\n\0\r\nquit\n", 12));
}

TEST(ProxyHeaderV2, EveryPrefixIsIncomplete) {
    for (const std::string& header : {v2Header(0x21, 0x11, inet4Block()),
                                      v2Header(0x21, 0x21, inet6Block() + std::string("\x03\x00\x04xxxx", 7)),
                                      v2Header(0x20, 0x00, "")}) {
        for (size_t n = 0; n < header.size(); ++n) {
            const ParseResult result = parseProxyHeader(header.substr(0, n));
            EXPECT_EQ(result.status, ParseResult::Incomplete) << n;
            EXPECT_EQ(result.length, 0u);
        }
        EXPECT_EQ(parseProxyHeader(header).status, ParseResult::Ok);
    }
}

TEST(ProxyHeaderV2, LengthSaysMoreThanIsThere) {
    std::string header = v2Header(0x21, 0x11, inet4Block());
    header[15] = 100;  // 100 bytes announced, 12 present
    const ParseResult result = parseProxyHeader(header);
    EXPECT_EQ(result.status, ParseResult::Incomplete);
    EXPECT_EQ(result.errorLog, "header is too large");
    EXPECT_EQ(parseProxyHeader(header + std::string(88, '\0')).status, ParseResult::Ok);
}

TEST(ProxyHeaderV2, LengthBeyondWhatNginxPeeks) {
    // 16 + 4080 == 4096 fits; one byte more never can.
    const std::string fits = v2Header(0x21, 0x11, inet4Block() + std::string(4080 - 12, 'T'));
    ASSERT_EQ(fits.size(), 4096u);
    EXPECT_EQ(parseProxyHeader(fits).status, ParseResult::Ok);
    EXPECT_EQ(parseProxyHeader(fits + "more").length, 4096u);

    std::string tooLarge = v2Header(0x21, 0x11, inet4Block());
    tooLarge[14] = 0x0f, tooLarge[15] = static_cast<char>(0xf1);  // 4081
    const ParseResult result = parseProxyHeader(tooLarge);
    EXPECT_EQ(result.status, ParseResult::Invalid);
    EXPECT_EQ(result.errorLog, "header is too large");

    tooLarge[14] = static_cast<char>(0xff), tooLarge[15] = static_cast<char>(0xff);
    EXPECT_EQ(parseProxyHeader(tooLarge).status, ParseResult::Invalid);
    EXPECT_EQ(parseProxyHeader(tooLarge + std::string(70000, '\0')).status, ParseResult::Invalid);
}

TEST(ProxyHeaderV2, TrailingBytesAreNotConsumed) {
    const std::string header = v2Header(0x21, 0x21, inet6Block());
    EXPECT_EQ(parseProxyHeader(header + header).length, header.size());
    EXPECT_EQ(parseProxyHeader(header + "PROXY UNKNOWN\r\n").length, header.size());
}

TEST(ProxyHeaderV2, Ipv4MappedIsFormattedAsInetNtopDoes) {
    std::string block(36, '\0');
    block[10] = block[11] = static_cast<char>(0xff);
    block[12] = static_cast<char>(192), block[13] = 0, block[14] = 2, block[15] = 7;
    block[31] = 1;
    const ParseResult result = parseProxyHeader(v2Header(0x21, 0x21, block));
    ASSERT_EQ(result.status, ParseResult::Ok);
    EXPECT_EQ(result.sourceIp, "::ffff:192.0.2.7");
    EXPECT_EQ(result.destinationIp, "::1");
}

TEST(ProxyHeader, EmptyAndUndecidedPrefixesAreIncomplete) {
    EXPECT_EQ(parseProxyHeader("").status, ParseResult::Incomplete);
    EXPECT_EQ(parseProxyHeader("P").status, ParseResult::Incomplete);
    EXPECT_EQ(parseProxyHeader("PROXY").status, ParseResult::Incomplete);
    EXPECT_EQ(parseProxyHeader("\r").status, ParseResult::Incomplete);
    EXPECT_EQ(parseProxyHeader(std::string("\r\n\r\n\0\r", 6)).status, ParseResult::Incomplete);
    EXPECT_EQ(parseProxyHeader(kV2Signature).status, ParseResult::Incomplete);
    EXPECT_EQ(parseProxyHeader(std::string(kV2Signature) + "\x21\x11\x00").status, ParseResult::Incomplete);
}

}  // namespace
}  // namespace mailwire::proxyproto
