#include "proxyproto/ProxyHeaderWriter.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <array>
#include <cstring>

#include "proxyproto/ProxyHeader.h"

namespace mailwire::proxyproto {

namespace {

constexpr unsigned char kVersion2Local = 0x20;
constexpr unsigned char kVersion2Proxy = 0x21;
constexpr unsigned char kUnspec = 0x00;
constexpr unsigned char kInetStream = 0x11;
constexpr unsigned char kInet6Stream = 0x21;

constexpr unsigned char kV4MappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

constexpr std::array<uint32_t, 256> makeCrc32cTable() {
    std::array<uint32_t, 256> table{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t crc = i;
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? 0x82F63B78u : 0);
        table[i] = crc;
    }
    return table;
}

constexpr std::array<uint32_t, 256> kCrc32cTable = makeCrc32cTable();

void appendUint16(std::string& out, uint32_t value) {
    out.push_back(static_cast<char>((value >> 8) & 0xff));
    out.push_back(static_cast<char>(value & 0xff));
}

void appendUint32(std::string& out, uint32_t value) {
    appendUint16(out, value >> 16);
    appendUint16(out, value & 0xffff);
}

void appendBytes(std::string& out, const unsigned char* bytes, size_t length) {
    out.append(reinterpret_cast<const char*>(bytes), length);
}

// Values are short (a host name, a protocol, a cipher name), so a 16-bit length always holds them.
void appendTlv(std::string& out, unsigned char type, std::string_view value) {
    out.push_back(static_cast<char>(type));
    appendUint16(out, static_cast<uint32_t>(value.size()));
    out.append(value);
}

void appendTlvIfAny(std::string& out, unsigned char type, std::string_view value) {
    if (!value.empty()) appendTlv(out, type, value);
}

bool isV4Mapped(const V2Endpoint& endpoint) {
    return endpoint.family == AF_INET6 && std::memcmp(endpoint.address, kV4MappedPrefix, 12) == 0;
}

// The 4 bytes of an IPv4 endpoint or of an IPv4-mapped IPv6 one.
const unsigned char* ipv4Bytes(const V2Endpoint& endpoint) {
    return endpoint.family == AF_INET ? endpoint.address : endpoint.address + 12;
}

void appendIpv6(std::string& out, const V2Endpoint& endpoint) {
    if (endpoint.family == AF_INET6) {
        appendBytes(out, endpoint.address, 16);
    } else {
        appendBytes(out, kV4MappedPrefix, sizeof kV4MappedPrefix);
        appendBytes(out, endpoint.address, 4);
    }
}

// Family byte, length placeholder, and the address block.
void appendAddresses(std::string& out, const V2Endpoints& endpoints) {
    const V2Endpoint& client = endpoints.client;
    const V2Endpoint& local = endpoints.local;
    const auto known = [](const V2Endpoint& e) { return e.family == AF_INET || e.family == AF_INET6; };

    if (!known(client) || !known(local)) {
        out.push_back(static_cast<char>(kVersion2Local));
        out.push_back(static_cast<char>(kUnspec));
        appendUint16(out, 0);
        return;
    }
    out.push_back(static_cast<char>(kVersion2Proxy));
    const bool ipv4 =
        (client.family == AF_INET && local.family == AF_INET) || (isV4Mapped(client) && isV4Mapped(local));
    out.push_back(static_cast<char>(ipv4 ? kInetStream : kInet6Stream));
    appendUint16(out, 0);
    if (ipv4) {
        appendBytes(out, ipv4Bytes(client), 4);
        appendBytes(out, ipv4Bytes(local), 4);
    } else {
        appendIpv6(out, client);
        appendIpv6(out, local);
    }
    appendUint16(out, client.port);
    appendUint16(out, local.port);
}

void appendTlsTlvs(std::string& out, const V2TlsInfo& tls) {
    appendTlvIfAny(out, pp2::kTypeAuthority, tls.serverName);
    appendTlvIfAny(out, pp2::kTypeAlpn, tls.alpn);

    std::string ssl;
    unsigned char client = pp2::kClientSsl;
    if (tls.clientCertificate) client |= pp2::kClientCertSess;
    if (tls.clientCertificate && tls.certificateOnThisConnection) client |= pp2::kClientCertConn;
    ssl.push_back(static_cast<char>(client));
    appendUint32(ssl, tls.clientCertificate ? tls.verifyResult : 1);
    appendTlvIfAny(ssl, pp2::kSubtypeSslVersion, tls.version);
    appendTlvIfAny(ssl, pp2::kSubtypeSslCn, tls.commonName);
    appendTlvIfAny(ssl, pp2::kSubtypeSslCipher, tls.cipher);
    appendTlvIfAny(ssl, pp2::kSubtypeSslSigAlg, tls.signatureAlgorithm);
    appendTlvIfAny(ssl, pp2::kSubtypeSslKeyAlg, tls.keyAlgorithm);
    appendTlv(out, pp2::kTypeSsl, ssl);
}

}  // namespace

std::string proxyV1Header(int family, std::string_view clientIp, uint16_t clientPort,
                          std::string_view localIp, uint16_t localPort) {
    if (family != AF_INET && family != AF_INET6) return "PROXY UNKNOWN\r\n";
    std::string header = family == AF_INET ? "PROXY TCP4 " : "PROXY TCP6 ";
    header.append(clientIp).append(" ").append(localIp);
    header.append(" ").append(std::to_string(clientPort)).append(" ").append(std::to_string(localPort));
    header.append("\r\n");
    return header;
}

std::optional<V2Endpoint> endpointFromText(std::string_view ip, uint16_t port) {
    const std::string text(ip);
    V2Endpoint endpoint;
    endpoint.port = port;
    if (inet_pton(AF_INET, text.c_str(), endpoint.address) == 1) {
        endpoint.family = AF_INET;
    } else if (inet_pton(AF_INET6, text.c_str(), endpoint.address) == 1) {
        endpoint.family = AF_INET6;
    } else {
        return std::nullopt;
    }
    return endpoint;
}

std::string proxyV2Header(const V2Endpoints& endpoints, const V2TlsInfo* tls) {
    std::string header(kV2Signature);
    appendAddresses(header, endpoints);
    if (tls != nullptr) appendTlsTlvs(header, *tls);

    // The checksum covers the whole header, its own length included and its value zeroed.
    appendTlv(header, pp2::kTypeCrc32c, std::string_view("\0\0\0\0", 4));
    const size_t blockLength = header.size() - 16;
    header[14] = static_cast<char>((blockLength >> 8) & 0xff);
    header[15] = static_cast<char>(blockLength & 0xff);
    const uint32_t crc = crc32c(header);
    header.resize(header.size() - 4);
    appendUint32(header, crc);
    return header;
}

uint32_t crc32c(std::string_view data) {
    uint32_t crc = 0xFFFFFFFFu;
    for (const char c : data) crc = (crc >> 8) ^ kCrc32cTable[(crc ^ static_cast<unsigned char>(c)) & 0xff];
    return crc ^ 0xFFFFFFFFu;
}

}  // namespace mailwire::proxyproto
