// The configuration model: what the parser produces and every other part of the proxy reads.
// Values are already merged (mail{} into server{}), so a ServerConfig is complete on its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mailwire::config {

using Millis = std::chrono::milliseconds;

enum class Protocol { Imap, Pop3, Smtp };
const char* protocolName(Protocol p);  // "imap", "pop3", "smtp"

// Where a directive or block came from, for nginx-style "in FILE:LINE" messages.
struct SourceLocation {
    std::string file;
    int line = 0;
};

// One error_log directive: "stderr", a file path (resolved against the prefix), or "syslog:server=...".
struct ErrorLogSpec {
    std::string target;
    std::string level = "error";  // nginx level name: debug info notice warn error crit alert emerg
};

struct ListenSpec {
    std::string host;  // literal address ("127.0.0.1", "::1", "0.0.0.0", "::")
    uint16_t port = 0;
    std::string
        text;  // as nginx prints it: "127.0.0.1:1143", "[::1]:1143", "0.0.0.0:1143" (for 1143 and *:1143)
    std::string unixPath;  // "unix:/path" listeners (refused until built)
    bool ssl = false;
    bool proxyProtocol = false;
    bool bind = false;
    int backlog = 511;
    int rcvbuf = -1;  // -1: leave the OS default
    int sndbuf = -1;
    bool ipv6only = true;
    int soKeepalive = 0;  // 0: untouched, 1: on, 2: explicitly off
    int keepIdle = 0;     // seconds, 0: OS default (so_keepalive=idle:intvl:cnt)
    int keepIntvl = 0;
    int keepCnt = 0;
    bool multipath = false;
    SourceLocation where;
};

// Bits of imap_auth / pop3_auth / smtp_auth.
enum AuthMechanism : unsigned {
    kAuthPlain = 1u << 0,
    kAuthLogin = 1u << 1,
    kAuthApop = 1u << 2,
    kAuthCramMd5 = 1u << 3,
    kAuthExternal = 1u << 4,
    kAuthNone = 1u << 5,
};

enum class StartTls { Off, On, Only };
enum class VerifyClient { Off, On, Optional, OptionalNoCa };
enum class ProxyProtocolOut { Off, V1, V2 };

// auth_http URL, split the way nginx splits it.
struct AuthHttpTarget {
    std::string host;  // address to connect to (resolved at config time), empty for unix
    uint16_t port = 80;
    std::string unixPath;  // non-empty for unix:/path:/uri
    std::string uri = "/";
    std::string hostHeader;  // value of the Host: header
    std::string text;        // the URL as written, for log lines
};

// What one `resolver` directive says (copied into ServerConfig's resolver* fields).
struct ResolverSettings {
    std::vector<std::string> addresses;
    bool ipv4 = true;
    bool ipv6 = true;
    Millis valid{0};
};

// One `ssl_session_cache` value (spec 9.4): off | none | [builtin[:size]] [shared:name:size].
struct SslSessionCache {
    enum Mode { Off, None, Cache } mode = None;
    bool builtin = false;
    long builtinSize = 20480;  // sessions; nginx's default for a bare "builtin"
    std::string sharedName;    // empty: no shared zone
    size_t sharedSize = 0;     // bytes
};

// The mail ssl_* directives of one server, merged (spec 2.1, 9.4). Paths are resolved against the prefix;
// "data:..." values are kept as written.
struct SslSettings {
    std::vector<std::string> certificates;     // ssl_certificate, in order
    std::vector<std::string> certificateKeys;  // ssl_certificate_key, same order
    SourceLocation certificatesWhere;          // the first ssl_certificate, for errors
    std::string passwordFile;                  // ssl_password_file
    bool certificateCompression = false;
    std::string dhparam;
    std::string ecdhCurve = "auto";
    unsigned protocols = 0;  // bits of kTls*; 0 until merged: then the default TLSv1.2 TLSv1.3
    std::string ciphers = "HIGH:!aNULL:!MD5";
    bool preferServerCiphers = false;
    SslSessionCache sessionCache;
    bool sessionTickets = true;
    std::vector<std::string> sessionTicketKeys;
    Millis sessionTimeout{300000};
    VerifyClient verifyClient = VerifyClient::Off;
    int verifyDepth = 1;
    std::string clientCertificate;
    std::string trustedCertificate;
    std::string crl;
    std::vector<std::pair<std::string, std::string>> confCommands;
    // The "}" closing mail{}: nginx loads ssl_session_ticket_key files while merging, and its open()/read()
    // errors name this position ("in FILE:LINE").
    SourceLocation mergedAt;
};

enum TlsProtocol : unsigned {
    kSslV2 = 1u << 0,
    kSslV3 = 1u << 1,
    kTlsV1 = 1u << 2,
    kTlsV1_1 = 1u << 3,
    kTlsV1_2 = 1u << 4,
    kTlsV1_3 = 1u << 5,
};

// One set_real_ip_from entry: an address with a prefix length, or "unix:" (spec 10).
struct RealIpSource {
    bool unixSocket = false;
    int family = 0;               // AF_INET or AF_INET6
    unsigned char address[16]{};  // network byte order; the first 4 bytes for IPv4
    int prefixLength = 0;
};

struct ServerConfig {
    SourceLocation where;  // the server{} line
    std::vector<ListenSpec> listens;
    Protocol protocol = Protocol::Imap;
    std::string serverName;  // defaults to the lowercased host name
    Millis timeout{60000};
    int maxErrors = 5;
    std::vector<ErrorLogSpec> errorLogs;  // empty: use the main error log

    // resolver (SMTP only)
    bool resolverEnabled = false;
    std::vector<std::string> resolverAddresses;  // "127.0.0.1:53", "[::1]:5353": resolved at config time
    bool resolverIpv4 = true;                    // ask A records
    bool resolverIpv6 = true;                    // ask AAAA records
    Millis resolverValid{0};                     // valid=; 0: the answers' TTL
    Millis resolverTimeout{30000};

    // imap
    size_t imapClientBuffer = 4096;
    std::vector<std::string> imapCapabilities{"IMAP4", "IMAP4rev1", "UIDPLUS"};
    unsigned imapAuth = kAuthPlain;

    // pop3
    std::vector<std::string> pop3Capabilities{"TOP", "USER", "UIDL"};
    unsigned pop3Auth = kAuthPlain;

    // smtp
    size_t smtpClientBuffer = 4096;
    Millis smtpGreetingDelay{0};
    std::vector<std::string> smtpCapabilities;
    unsigned smtpAuth = kAuthPlain | kAuthLogin;

    // auth_http
    AuthHttpTarget authHttp;
    Millis authHttpTimeout{60000};
    std::vector<std::pair<std::string, std::string>> authHttpHeaders;
    bool authHttpPassClientCert = false;

    // proxy
    bool proxy = false;  // parsed, never used (as in nginx)
    size_t proxyBuffer = 4096;
    Millis proxyTimeout{24 * 3600 * 1000};
    bool proxyPassErrorMessage = false;
    ProxyProtocolOut proxyProtocol = ProxyProtocolOut::Off;
    bool proxySmtpAuth = false;
    bool xclient = true;

    // realip
    std::vector<RealIpSource> setRealIpFrom;

    // ssl
    StartTls starttls = StartTls::Off;
    // The deprecated `ssl on` (nginx 1.22 accepts it with a warning; removed in 1.25.1): every connection to
    // the server is implicit TLS, as with `listen ... ssl`.
    bool sslOn = false;
    SslSettings ssl;
    // TLS is set up for this server: a `listen ... ssl` or starttls on|only (spec 9.4).
    bool tlsWanted() const;
};

struct MainConfig {
    std::string file;    // absolute path of the main config file
    std::string prefix;  // -p, with a trailing slash
    bool daemon = true;
    bool masterProcess = true;
    int workerProcesses = 1;                  // "auto" resolves to the number of cores
    Millis workerShutdownTimeout{0};          // 0: wait for sessions forever on QUIT
    std::string pidFile;                      // resolved; default "<prefix>logs/nginx.pid"-style: see parser
    std::vector<ErrorLogSpec> errorLogs;      // main-level error_log directives
    std::vector<ErrorLogSpec> mailErrorLogs;  // mail{}-level, inherited by servers without their own
    int workerConnections = 512;
    bool multiAccept = false;      // events { multi_accept on; }: accept the whole backlog at each wake-up
    int workerRlimitNofile = -1;   // -1: not set
    std::string user;              // accepted, as nginx run as root would
    std::vector<std::string> env;  // env directives, as written
    std::vector<ServerConfig> servers;
};

}  // namespace mailwire::config
