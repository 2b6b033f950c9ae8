// What a session knows when it asks auth_http, and the exact request bytes nginx would send for it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/MailConfig.h"

namespace mailwire::auth {

struct AuthRequest {
    std::string method;  // "plain", "apop", "cram-md5", "external", "none"
    std::string user;
    std::string pass;
    std::string salt;      // sent only for apop and cram-md5
    std::string protocol;  // "imap", "pop3", "smtp"
    int loginAttempt = 1;
    std::string clientIp;
    std::string clientHost;  // sent only when non-empty (SMTP)
    // Set when a PROXY header carrying addresses was received (the four Proxy-Protocol-* headers).
    bool hasProxyProtocol = false;
    std::string proxyProtocolAddr, proxyProtocolPort, proxyProtocolServerAddr, proxyProtocolServerPort;
    // TLS connections only (the Auth-SSL block); verify..fingerprint only with ssl_verify_client, each when
    // non-empty; the certificate only with auth_http_pass_client_cert on.
    bool ssl = false;
    std::string sslProtocol, sslCipher, sslVerify, sslSubject, sslIssuer, sslSerial, sslFingerprint, sslCert;
    // SMTP "none" mode only (sent when method is "none"; never escaped)
    std::string smtpHelo, smtpFrom, smtpTo;
};

// nginx's escaping for Auth-User / Auth-Pass: 0x00-0x20 and '%' become %XX (uppercase hex), all else raw.
std::string escapeHeaderValue(const std::string& raw);

// The full request: "GET <uri> HTTP/1.0\r\nHost: ...\r\n...\r\n\r\n" in nginx's order, config headers last.
std::string buildAuthRequest(const AuthRequest& request, const config::AuthHttpTarget& target,
                             const std::vector<std::pair<std::string, std::string>>& extraHeaders);

}  // namespace mailwire::auth
