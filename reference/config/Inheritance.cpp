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

}  // namespace

ServerConfig mergeServer(const ServerDraft& mail, const ServerDraft& server, const std::string& hostName) {
    ServerConfig c;
    c.where = server.where;
    c.listens = server.listens;
    if (server.protocol) c.protocol = *server.protocol;

    inherit(c.serverName, server.serverName, mail.serverName);
    if (c.serverName.empty()) c.serverName = hostName;
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

    inherit(c.starttls, server.starttls, mail.starttls);
    return c;
}

}  // namespace mailwire::config
