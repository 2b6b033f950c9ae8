// What one mail{} or server{} context set, before inheritance. Unset values stay empty so the merge
// can tell "inherit" from "set to the default", and so a second setting in one context is "duplicate".
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/MailConfig.h"

namespace mailwire::config {

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

    std::optional<StartTls> starttls;
};

// mail{} values flow into each server{} that does not set them; lists are replaced, never merged.
// `hostName` is the lowercased gethostname(), used when server_name is unset or empty.
ServerConfig mergeServer(const ServerDraft& mail, const ServerDraft& server, const std::string& hostName);

}  // namespace mailwire::config
