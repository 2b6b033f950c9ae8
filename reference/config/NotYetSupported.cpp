#include "config/NotYetSupported.h"

#include <cstring>
#include <utility>

#include "config/ConfigError.h"

namespace mailwire::config {

namespace {

enum class Refused { Directive, Value, ListenParameter, Protocol };

struct NotBuilt {
    Refused kind;
    const char* name;   // directive, listen parameter, or protocol name
    const char* value;  // Value rows: the refused value; "*" = anything but "off"
};

// Remove a row when its feature is built.
constexpr NotBuilt kNotBuilt[] = {
    {Refused::ListenParameter, "ssl", nullptr},
    {Refused::ListenParameter, "proxy_protocol", nullptr},
    {Refused::ListenParameter, "unix:", nullptr},
    {Refused::Value, "starttls", "on"},
    {Refused::Value, "starttls", "only"},
    {Refused::Value, "proxy_protocol", "on"},
    {Refused::Value, "proxy_protocol", "v2"},
    {Refused::Value, "auth_http_pass_client_cert", "on"},
    {Refused::Directive, "set_real_ip_from", nullptr},
    {Refused::Directive, "ssl_certificate", nullptr},
    {Refused::Directive, "ssl_certificate_key", nullptr},
    {Refused::Directive, "ssl_password_file", nullptr},
    {Refused::Directive, "ssl_certificate_compression", nullptr},
    {Refused::Directive, "ssl_dhparam", nullptr},
    {Refused::Directive, "ssl_ecdh_curve", nullptr},
    {Refused::Directive, "ssl_protocols", nullptr},
    {Refused::Directive, "ssl_ciphers", nullptr},
    {Refused::Directive, "ssl_prefer_server_ciphers", nullptr},
    {Refused::Directive, "ssl_session_cache", nullptr},
    {Refused::Directive, "ssl_session_tickets", nullptr},
    {Refused::Directive, "ssl_session_ticket_key", nullptr},
    {Refused::Directive, "ssl_session_timeout", nullptr},
    {Refused::Directive, "ssl_verify_client", nullptr},
    {Refused::Directive, "ssl_verify_depth", nullptr},
    {Refused::Directive, "ssl_client_certificate", nullptr},
    {Refused::Directive, "ssl_trusted_certificate", nullptr},
    {Refused::Directive, "ssl_crl", nullptr},
    {Refused::Directive, "ssl_conf_command", nullptr},
};

bool refused(Refused kind, const std::string& name, const char* value = nullptr) {
    for (const auto& row : kNotBuilt) {
        if (row.kind != kind || name != row.name) continue;
        if (kind != Refused::Value) return true;
        if (std::strcmp(row.value, "*") == 0 ? std::strcmp(value, "off") != 0
                                             : std::strcmp(row.value, value) == 0) {
            return true;
        }
    }
    return false;
}

const char* kNotYet = " is not supported by mailwire-proxy yet";

}  // namespace

void refuseDirectiveIfNotBuilt(const std::string& directive, const SourceLocation& where) {
    if (refused(Refused::Directive, directive)) throwAt("\"" + directive + "\" directive" + kNotYet, where);
}

void refuseValueIfNotBuilt(const std::string& directive, const std::string& value,
                           const SourceLocation& where) {
    if (refused(Refused::Value, directive, value.c_str())) {
        throwAt("\"" + directive + " " + value + "\"" + kNotYet, where);
    }
}

void refuseListenIfNotBuilt(const ListenSpec& listen) {
    const std::pair<bool, const char*> used[] = {
        {!listen.unixPath.empty(), "unix:"}, {listen.ssl, "ssl"}, {listen.proxyProtocol, "proxy_protocol"}};
    for (const auto& [isUsed, param] : used) {
        if (isUsed && refused(Refused::ListenParameter, param)) {
            throwAt(std::string("\"") + param + "\" parameter of the \"listen\" directive" + kNotYet,
                    listen.where);
        }
    }
}

void refuseProtocolIfNotBuilt(Protocol protocol, const SourceLocation& server) {
    const char* name = protocolName(protocol);
    if (refused(Refused::Protocol, name)) {
        throw ConfigError(std::string("[emerg] \"") + name + "\" protocol" + kNotYet + " for server in " +
                          server.file + ":" + std::to_string(server.line));
    }
}

}  // namespace mailwire::config
