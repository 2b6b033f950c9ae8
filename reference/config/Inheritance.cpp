#include "config/ServerDraft.h"

namespace mailwire::config {

namespace {

template <class T>
void inherit(T& out, const std::optional<T>& server, const std::optional<T>& mail) {
    if (server) {
        out = *server;
    } else if (mail) {
        out = *mail;
    }
}

template <class T>
const std::optional<T>& pick(const std::optional<T>& server, const std::optional<T>& mail) {
    return server ? server : mail;
}

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// ngx_conf_full_name(cycle, name, 1): relative to the config file's directory. Empty stays empty: nginx
// treats an empty file name as unset.
std::string fullName(const std::string& confPrefix, const std::string& name) {
    if (name.empty() || name[0] == '/') return name;
    return confPrefix + name;
}

// ssl_certificate also takes inline PEM ("data:..."), kept as written (ngx_ssl_cache_init_key).
std::string certificateName(const std::string& confPrefix, const std::string& name) {
    if (startsWith(name, "data:")) return name;
    return fullName(confPrefix, name);
}

// ssl_certificate_key: inline PEM, an OpenSSL engine key ("engine:name:id") or a store URI ("store:...").
std::string keyName(const std::string& confPrefix, const std::string& name) {
    if (startsWith(name, "engine:") || startsWith(name, "store:")) return name;
    return certificateName(confPrefix, name);
}

std::vector<std::string> fullNames(const std::string& confPrefix, std::vector<std::string> names,
                                   std::string (*resolve)(const std::string&, const std::string&)) {
    for (auto& name : names) name = resolve(confPrefix, name);
    return names;
}

SslSessionCache sessionCache(const SslDraft& server, const SslDraft& mail) {
    SslSessionCache cache;
    const long builtin =
        pick(server.builtinSessionCache, mail.builtinSessionCache).value_or(kSessionCacheNone);
    // The zone is inherited on its own, as nginx does: "builtin" in a server keeps mail{}'s shared zone.
    const auto& shared = pick(server.sharedSessionCache, mail.sharedSessionCache);
    if (builtin == kSessionCacheOff) {
        cache.mode = SslSessionCache::Off;
        return cache;
    }
    if (builtin == kSessionCacheNone) {
        cache.mode = SslSessionCache::None;
        return cache;
    }
    cache.mode = SslSessionCache::Cache;
    cache.builtin = builtin != kSessionCacheNoBuiltin;
    if (builtin >= 0) cache.builtinSize = builtin;
    if (shared) {
        cache.sharedName = shared->name;
        cache.sharedSize = shared->size;
    }
    return cache;
}

SslSettings mergeSsl(const SslDraft& server, const SslDraft& mail, const MergeContext& context) {
    const std::string& prefix = context.confPrefix;
    SslSettings ssl;
    if (const auto& certificates = pick(server.certificates, mail.certificates)) {
        ssl.certificates = fullNames(prefix, *certificates, certificateName);
        ssl.certificatesWhere = *(server.certificates ? server.certificatesWhere : mail.certificatesWhere);
    }
    if (const auto& keys = pick(server.certificateKeys, mail.certificateKeys))
        ssl.certificateKeys = fullNames(prefix, *keys, keyName);
    if (const auto& file = pick(server.passwordFile, mail.passwordFile))
        ssl.passwordFile = fullName(prefix, *file);
    inherit(ssl.certificateCompression, server.certificateCompression, mail.certificateCompression);
    if (const auto& file = pick(server.dhparam, mail.dhparam)) ssl.dhparam = fullName(prefix, *file);
    inherit(ssl.ecdhCurve, server.ecdhCurve, mail.ecdhCurve);
    ssl.protocols = pick(server.protocols, mail.protocols).value_or(kTlsV1_2 | kTlsV1_3);
    inherit(ssl.ciphers, server.ciphers, mail.ciphers);
    inherit(ssl.preferServerCiphers, server.preferServerCiphers, mail.preferServerCiphers);
    ssl.sessionCache = sessionCache(server, mail);
    inherit(ssl.sessionTickets, server.sessionTickets, mail.sessionTickets);
    if (const auto& keys = pick(server.sessionTicketKeys, mail.sessionTicketKeys))
        ssl.sessionTicketKeys = fullNames(prefix, *keys, fullName);
    inherit(ssl.sessionTimeout, server.sessionTimeout, mail.sessionTimeout);
    inherit(ssl.verifyClient, server.verifyClient, mail.verifyClient);
    inherit(ssl.verifyDepth, server.verifyDepth, mail.verifyDepth);
    if (const auto& file = pick(server.clientCertificate, mail.clientCertificate))
        ssl.clientCertificate = fullName(prefix, *file);
    if (const auto& file = pick(server.trustedCertificate, mail.trustedCertificate))
        ssl.trustedCertificate = fullName(prefix, *file);
    if (const auto& file = pick(server.crl, mail.crl)) ssl.crl = fullName(prefix, *file);
    inherit(ssl.confCommands, server.confCommands, mail.confCommands);
    ssl.mergedAt = context.mailEnd;
    return ssl;
}

}  // namespace

std::string tlsConfigError(const ServerDraft& mail, const ServerDraft& server) {
    const SslDraft& own = server.ssl;
    const StartTls starttls = pick(server.starttls, mail.starttls).value_or(StartTls::Off);
    const bool sslOn = pick(server.sslOn, mail.sslOn).value_or(false);
    if (!own.listenSsl && !sslOn && starttls == StartTls::Off) return "";
    // The server's own `listen ... ssl` first, then the (inherited) `ssl on`, then starttls.
    const std::string mode = own.listenSsl ? "listen ... ssl" : sslOn ? "ssl" : "starttls";
    const SourceLocation where = own.tlsWhere ? *own.tlsWhere : mail.ssl.tlsWhere.value_or(SourceLocation{});
    const std::string directive =
        "the \"" + mode + "\" directive in " + where.file + ":" + std::to_string(where.line);

    const auto& certificates = pick(own.certificates, mail.ssl.certificates);
    const auto& keys = pick(own.certificateKeys, mail.ssl.certificateKeys);
    if (!certificates) return "no \"ssl_certificate\" is defined for " + directive;
    if (!keys) return "no \"ssl_certificate_key\" is defined for " + directive;
    if (keys->size() < certificates->size()) {
        return "no \"ssl_certificate_key\" is defined for certificate \"" + certificates->back() + "\" and " +
               directive;
    }

    const VerifyClient verify = pick(own.verifyClient, mail.ssl.verifyClient).value_or(VerifyClient::Off);
    const std::string clientCertificate =
        pick(own.clientCertificate, mail.ssl.clientCertificate).value_or("");
    const std::string trusted = pick(own.trustedCertificate, mail.ssl.trustedCertificate).value_or("");
    if (verify != VerifyClient::Off && verify != VerifyClient::OptionalNoCa && clientCertificate.empty() &&
        trusted.empty()) {
        return "no ssl_client_certificate or ssl_trusted_certificate for ssl_verify_client";
    }
    return "";
}

ServerConfig mergeServer(const ServerDraft& mail, const ServerDraft& server, const MergeContext& context) {
    ServerConfig c;
    c.where = server.where;
    c.listens = server.listens;
    if (server.protocol) c.protocol = *server.protocol;

    inherit(c.serverName, server.serverName, mail.serverName);
    if (c.serverName.empty()) c.serverName = context.hostName;
    inherit(c.timeout, server.timeout, mail.timeout);
    inherit(c.maxErrors, server.maxErrors, mail.maxErrors);
    c.errorLogs = server.errorLogs.empty() ? mail.errorLogs : server.errorLogs;

    inherit(c.resolverEnabled, server.resolverEnabled, mail.resolverEnabled);
    const ResolverSettings& resolver = server.resolverEnabled ? server.resolver : mail.resolver;
    c.resolverAddresses = resolver.addresses;
    c.resolverIpv4 = resolver.ipv4;
    c.resolverIpv6 = resolver.ipv6;
    c.resolverValid = resolver.valid;
    inherit(c.resolverTimeout, server.resolverTimeout, mail.resolverTimeout);

    inherit(c.imapClientBuffer, server.imapClientBuffer, mail.imapClientBuffer);
    inherit(c.imapCapabilities, server.imapCapabilities, mail.imapCapabilities);
    inherit(c.imapAuth, server.imapAuth, mail.imapAuth);

    inherit(c.pop3Capabilities, server.pop3Capabilities, mail.pop3Capabilities);
    inherit(c.pop3Auth, server.pop3Auth, mail.pop3Auth);

    inherit(c.smtpClientBuffer, server.smtpClientBuffer, mail.smtpClientBuffer);
    inherit(c.smtpGreetingDelay, server.smtpGreetingDelay, mail.smtpGreetingDelay);
    inherit(c.smtpCapabilities, server.smtpCapabilities, mail.smtpCapabilities);
    inherit(c.smtpAuth, server.smtpAuth, mail.smtpAuth);

    inherit(c.authHttp, server.authHttp, mail.authHttp);
    inherit(c.authHttpTimeout, server.authHttpTimeout, mail.authHttpTimeout);
    inherit(c.authHttpHeaders, server.authHttpHeaders, mail.authHttpHeaders);
    inherit(c.authHttpPassClientCert, server.authHttpPassClientCert, mail.authHttpPassClientCert);

    inherit(c.proxy, server.proxy, mail.proxy);
    inherit(c.proxyBuffer, server.proxyBuffer, mail.proxyBuffer);
    inherit(c.proxyTimeout, server.proxyTimeout, mail.proxyTimeout);
    inherit(c.proxyPassErrorMessage, server.proxyPassErrorMessage, mail.proxyPassErrorMessage);
    inherit(c.proxyProtocol, server.proxyProtocol, mail.proxyProtocol);
    inherit(c.proxySmtpAuth, server.proxySmtpAuth, mail.proxySmtpAuth);
    inherit(c.xclient, server.xclient, mail.xclient);

    inherit(c.setRealIpFrom, server.setRealIpFrom, mail.setRealIpFrom);

    inherit(c.starttls, server.starttls, mail.starttls);
    inherit(c.sslOn, server.sslOn, mail.sslOn);
    c.ssl = mergeSsl(server.ssl, mail.ssl, context);
    return c;
}

}  // namespace mailwire::config
