// What one mail{} or server{} context set, before inheritance. Unset values stay empty so the merge
// can tell "inherit" from "set to the default", and so a second setting in one context is "duplicate".
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/MailConfig.h"

namespace mailwire::config {

// nginx's encoding of the builtin half of ssl_session_cache (ngx_event_openssl.h); >= 0 is a size.
enum BuiltinSessionCache : long {
    kSessionCacheOff = -2,         // off
    kSessionCacheNone = -3,        // none
    kSessionCacheNoBuiltin = -4,   // only a shared zone
    kSessionCacheDefaultSize = -5  // bare "builtin"
};

struct SharedSessionZone {
    std::string name;
    size_t size = 0;
};

// The ssl_* directives of one context, as written: paths are resolved when merged.
struct SslDraft {
    bool listenSsl = false;  // a `listen ... ssl` in this server
    // The last `listen ... ssl`, else the last `ssl` or `starttls` directive (either value).
    std::optional<SourceLocation> tlsWhere;
    std::optional<std::vector<std::string>> certificates;
    std::optional<SourceLocation> certificatesWhere;
    std::optional<std::vector<std::string>> certificateKeys;
    std::optional<std::string> passwordFile;
    std::optional<bool> certificateCompression;
    std::optional<std::string> dhparam;
    std::optional<std::string> ecdhCurve;
    std::optional<unsigned> protocols;
    std::optional<std::string> ciphers;
    std::optional<bool> preferServerCiphers;
    std::optional<long> builtinSessionCache;  // BuiltinSessionCache or a size
    std::optional<SharedSessionZone> sharedSessionCache;
    std::optional<bool> sessionTickets;
    std::optional<std::vector<std::string>> sessionTicketKeys;
    std::optional<Millis> sessionTimeout;
    std::optional<VerifyClient> verifyClient;
    std::optional<int> verifyDepth;
    std::optional<std::string> clientCertificate;
    std::optional<std::string> trustedCertificate;
    std::optional<std::string> crl;
    std::optional<std::vector<std::pair<std::string, std::string>>> confCommands;
};

struct ServerDraft {
    SourceLocation where;
    std::vector<ListenSpec> listens;
    std::optional<Protocol> protocol;
    std::optional<std::string> serverName;
    std::optional<Millis> timeout;
    std::optional<int> maxErrors;
    std::vector<ErrorLogSpec> errorLogs;

    std::optional<bool> resolverEnabled;
    ResolverSettings resolver;  // meaningful when resolverEnabled is set
    std::optional<Millis> resolverTimeout;

    std::optional<size_t> imapClientBuffer;
    std::optional<std::vector<std::string>> imapCapabilities;
    std::optional<unsigned> imapAuth;

    std::optional<std::vector<std::string>> pop3Capabilities;
    std::optional<unsigned> pop3Auth;

    std::optional<size_t> smtpClientBuffer;
    std::optional<Millis> smtpGreetingDelay;
    std::optional<std::vector<std::string>> smtpCapabilities;
    std::optional<unsigned> smtpAuth;

    std::optional<AuthHttpTarget> authHttp;
    std::optional<Millis> authHttpTimeout;
    std::optional<std::vector<std::pair<std::string, std::string>>> authHttpHeaders;
    std::optional<bool> authHttpPassClientCert;

    std::optional<bool> proxy;
    std::optional<size_t> proxyBuffer;
    std::optional<Millis> proxyTimeout;
    std::optional<bool> proxyPassErrorMessage;
    std::optional<ProxyProtocolOut> proxyProtocol;
    std::optional<bool> proxySmtpAuth;
    std::optional<bool> xclient;

    std::optional<std::vector<RealIpSource>> setRealIpFrom;

    std::optional<StartTls> starttls;
    std::optional<bool> sslOn;  // the deprecated `ssl on|off` (nginx 1.22; removed in 1.25.1)
    SslDraft ssl;
};

// What merging needs besides the two drafts.
struct MergeContext {
    std::string hostName;    // the lowercased gethostname(), used when server_name is unset or empty
    std::string confPrefix;  // the main config file's directory: ssl_* paths resolve against it
    SourceLocation mailEnd;  // the "}" closing mail{}, where nginx merges
};

// mail{} values flow into each server{} that does not set them; lists are replaced, never merged.
ServerConfig mergeServer(const ServerDraft& mail, const ServerDraft& server, const MergeContext& context);

// nginx's TLS checks at merge time (spec 9.3, 9.4) for a server that wants TLS: the message (without
// "[emerg] "), or empty when the server is fine.
std::string tlsConfigError(const ServerDraft& mail, const ServerDraft& server);

}  // namespace mailwire::config
