// The PROXY header nginx sends to the backend before anything else (`proxy_protocol on|v2`, spec 8.2). Pure:
// the session gathers the addresses and the TLS facts, and writes the result in one write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailwire::proxyproto {

// v1: `PROXY TCP4 <client ip> <local ip> <client port> <local port>\r\n`, TCP6 for AF_INET6, and
// `PROXY UNKNOWN\r\n` for any other family (a unix-socket client). As in nginx, the client's family alone
// picks TCP4 or TCP6. "client" is the (possibly realip-rewritten) client; "local" is the address of the
// listening socket the client reached, not the destination of an incoming PROXY header. IPs without brackets.
std::string proxyV1Header(int family, std::string_view clientIp, uint16_t clientPort,
                          std::string_view localIp, uint16_t localPort);

struct V2Endpoint {
    int family = 0;               // AF_INET or AF_INET6; anything else is unknown (a unix socket)
    unsigned char address[16]{};  // network byte order; the first 4 bytes for IPv4
    uint16_t port = 0;            // host byte order
};

// An endpoint from an address text (IPv4, or IPv6 without brackets) and a port; nullopt if it is not one.
std::optional<V2Endpoint> endpointFromText(std::string_view ip, uint16_t port);

struct V2Endpoints {
    V2Endpoint client;  // the (possibly realip-rewritten) client
    V2Endpoint local;   // the listening socket the client reached
};

// What the SSL TLVs say about the client connection (OpenSSL's view of it, gathered by the TLS layer).
struct V2TlsInfo {
    std::string serverName;                    // the SNI: AUTHORITY, if non-empty
    std::string alpn;                          // the negotiated protocol: ALPN, if non-empty
    std::string version;                       // SSL_get_version(): sub-TLV VERSION
    std::string commonName;                    // the client certificate's CN: sub-TLV CN, if non-empty
    std::string cipher;                        // sub-TLV CIPHER
    std::string signatureAlgorithm;            // sub-TLV SIG_ALG, of nginx's own certificate (spec 8.2)
    std::string keyAlgorithm;                  // sub-TLV KEY_ALG, of nginx's own certificate: "RSA2048"
    bool clientCertificate = false;            // the client presented a certificate: PP2_CLIENT_CERT_SESS
    bool certificateOnThisConnection = false;  // ... on this connection, not a resumed session: CERT_CONN
    uint32_t verifyResult = 0;  // the X509 verify result; sent only with a client certificate (else 1)
};

// v2: signature, version 2 and PROXY, STREAM. Mixed families are sent as IPv6 (the IPv4 side IPv4-mapped);
// two IPv4-mapped IPv6 addresses are sent as IPv4; a side of unknown family makes it LOCAL/UNSPEC with no
// addresses. With `tls`: AUTHORITY, ALPN, then SSL (client flags, verify, the sub-TLVs VERSION, CN, CIPHER,
// SIG_ALG, KEY_ALG; an empty value is left out). Always last: CRC32C over the whole header.
std::string proxyV2Header(const V2Endpoints& endpoints, const V2TlsInfo* tls);

// CRC32C (Castagnoli, reflected, as iSCSI and the PROXY protocol use it): crc32c("123456789") == 0xE3069283.
uint32_t crc32c(std::string_view data);

// The PP2 types the writer uses.
namespace pp2 {
constexpr unsigned char kTypeAlpn = 0x01;
constexpr unsigned char kTypeAuthority = 0x02;
constexpr unsigned char kTypeCrc32c = 0x03;
constexpr unsigned char kTypeSsl = 0x20;
constexpr unsigned char kSubtypeSslVersion = 0x21;
constexpr unsigned char kSubtypeSslCn = 0x22;
constexpr unsigned char kSubtypeSslCipher = 0x23;
constexpr unsigned char kSubtypeSslSigAlg = 0x24;
constexpr unsigned char kSubtypeSslKeyAlg = 0x25;
constexpr unsigned char kClientSsl = 0x01;
constexpr unsigned char kClientCertConn = 0x02;
constexpr unsigned char kClientCertSess = 0x04;
}  // namespace pp2

}  // namespace mailwire::proxyproto
