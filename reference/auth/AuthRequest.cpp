#include "auth/AuthRequest.h"

#include <string_view>

namespace mailwire::auth {

namespace {

void appendEscaped(std::string& out, const std::string& raw) {
    static const char kHex[] = "0123456789ABCDEF";
    for (const char c : raw) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == '%') {
            const char escaped[] = {'%', kHex[byte >> 4], kHex[byte & 0x0F]};
            out.append(escaped, sizeof escaped);
        } else {
            out.push_back(c);
        }
    }
}

void addHeader(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ", 2).append(value).append("\r\n", 2);
}

// The same with the value escaped in place (no temporary string).
void addEscapedHeader(std::string& out, std::string_view name, const std::string& raw) {
    out.append(name).append(": ", 2);
    appendEscaped(out, raw);
    out.append("\r\n", 2);
}

}  // namespace

std::string escapeHeaderValue(const std::string& raw) {
    std::string out;
    out.reserve(raw.size());
    appendEscaped(out, raw);
    return out;
}

std::string buildAuthRequest(const AuthRequest& request, const config::AuthHttpTarget& target,
                             const std::vector<std::pair<std::string, std::string>>& extraHeaders) {
    std::string out;
    out.reserve(256);
    out += "GET ";
    out += target.uri;
    out += " HTTP/1.0\r\n";
    addHeader(out, "Host", target.hostHeader);
    addHeader(out, "Auth-Method", request.method);
    addEscapedHeader(out, "Auth-User", request.user);
    addEscapedHeader(out, "Auth-Pass", request.pass);
    if (request.method == "apop" || request.method == "cram-md5") addHeader(out, "Auth-Salt", request.salt);
    addHeader(out, "Auth-Protocol", request.protocol);
    addHeader(out, "Auth-Login-Attempt", std::to_string(request.loginAttempt));
    addHeader(out, "Client-IP", request.clientIp);
    if (!request.clientHost.empty()) addHeader(out, "Client-Host", request.clientHost);
    if (request.hasProxyProtocol) {
        addHeader(out, "Proxy-Protocol-Addr", request.proxyProtocolAddr);
        addHeader(out, "Proxy-Protocol-Port", request.proxyProtocolPort);
        addHeader(out, "Proxy-Protocol-Server-Addr", request.proxyProtocolServerAddr);
        addHeader(out, "Proxy-Protocol-Server-Port", request.proxyProtocolServerPort);
    }
    if (request.method == "none") {
        addHeader(out, "Auth-SMTP-Helo", request.smtpHelo);
        addHeader(out, "Auth-SMTP-From", request.smtpFrom);
        addHeader(out, "Auth-SMTP-To", request.smtpTo);
    }
    if (request.ssl) {
        addHeader(out, "Auth-SSL", "on");
        const std::pair<const char*, const std::string*> optional[] = {
            {"Auth-SSL-Protocol", &request.sslProtocol},      {"Auth-SSL-Cipher", &request.sslCipher},
            {"Auth-SSL-Verify", &request.sslVerify},          {"Auth-SSL-Subject", &request.sslSubject},
            {"Auth-SSL-Issuer", &request.sslIssuer},          {"Auth-SSL-Serial", &request.sslSerial},
            {"Auth-SSL-Fingerprint", &request.sslFingerprint}};
        for (const auto& [name, value] : optional)
            if (!value->empty()) addHeader(out, name, *value);
        if (!request.sslCert.empty()) addEscapedHeader(out, "Auth-SSL-Cert", request.sslCert);
    }
    for (const auto& [name, value] : extraHeaders) addHeader(out, name, value);
    out += "\r\n";
    return out;
}

}  // namespace mailwire::auth
