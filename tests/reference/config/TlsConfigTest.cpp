// The mail ssl_* directives, starttls and `listen ... ssl`: parsing into SslSettings, inheritance from
// mail{} (lists replaced, not merged), nginx's errors, and the TLS checks made when mail{} closes. Texts were
// checked against nginx 1.22.1 with -t, except where the spec's 1.31.5 differs (noted at the test).
#include <gtest/gtest.h>
#include <unistd.h>

#include "config/ConfigLoader.h"
#include "reference/config/TempConfigDir.h"

namespace mailwire::config {
namespace {

using testing::imapConfig;
using testing::TempConfigDir;
using Strings = std::vector<std::string>;
using Pairs = std::vector<std::pair<std::string, std::string>>;

// A listener with implicit TLS and the two files it needs.
const char* kTlsServer = "listen 1143 ssl; protocol imap; ssl_certificate c.pem; ssl_certificate_key k.pem;";

class TlsConfigTest : public ::testing::Test {
  protected:
    std::string at(const std::string& message, int line, const std::string& file = "nginx.conf") const {
        return "[emerg] " + message + " in " + dir.path(file) + ":" + std::to_string(line);
    }
    std::string error(const std::string& text) const { return dir.error(text); }
    ServerConfig server(const std::string& body, const std::string& mailBody = "") const {
        return dir.load(imapConfig(body, mailBody)).servers.at(0);
    }
    // The error for `text` (or "no error"), with the notices logged before it in `notices`.
    std::string errorAndNotices(const std::string& text, Strings& notices) const {
        dir.write("nginx.conf", text);
        notices.clear();
        try {
            loadConfig("nginx.conf", dir.prefix(), notices);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "no error";
    }
    std::string deprecatedAt(int line) const {
        return "[warn] the \"ssl\" directive is deprecated, use the \"listen ... ssl\" directive instead "
               "in " +
               dir.path("nginx.conf") + ":" + std::to_string(line);
    }

    TempConfigDir dir;
};

TEST_F(TlsConfigTest, DefaultsWithoutAnySslDirective) {
    const ServerConfig s = server("listen 1143; protocol imap;");
    EXPECT_FALSE(s.tlsWanted());
    EXPECT_EQ(s.starttls, StartTls::Off);
    EXPECT_TRUE(s.ssl.certificates.empty());
    EXPECT_TRUE(s.ssl.certificateKeys.empty());
    EXPECT_EQ(s.ssl.passwordFile, "");
    EXPECT_FALSE(s.ssl.certificateCompression);
    EXPECT_EQ(s.ssl.dhparam, "");
    EXPECT_EQ(s.ssl.ecdhCurve, "auto");
    EXPECT_EQ(s.ssl.protocols, unsigned{kTlsV1_2 | kTlsV1_3});  // 1.27.3 and later
    EXPECT_EQ(s.ssl.ciphers, "HIGH:!aNULL:!MD5");
    EXPECT_FALSE(s.ssl.preferServerCiphers);
    EXPECT_EQ(s.ssl.sessionCache.mode, SslSessionCache::None);
    EXPECT_TRUE(s.ssl.sessionTickets);
    EXPECT_TRUE(s.ssl.sessionTicketKeys.empty());
    EXPECT_EQ(s.ssl.sessionTimeout, Millis(300000));
    EXPECT_EQ(s.ssl.verifyClient, VerifyClient::Off);
    EXPECT_EQ(s.ssl.verifyDepth, 1);
    EXPECT_EQ(s.ssl.clientCertificate, "");
    EXPECT_EQ(s.ssl.trustedCertificate, "");
    EXPECT_EQ(s.ssl.crl, "");
    EXPECT_TRUE(s.ssl.confCommands.empty());
    EXPECT_FALSE(s.authHttpPassClientCert);
    EXPECT_EQ(s.proxyProtocol, ProxyProtocolOut::Off);
    EXPECT_TRUE(s.setRealIpFrom.empty());
}

TEST_F(TlsConfigTest, EveryDirectiveIsParsedAndPathsResolveAgainstTheConfigDirectory) {
    // nginx resolves ssl_* files with ngx_conf_full_name(..., 1): against the directory of the config file,
    // not the -p prefix (error_log and pid use the prefix).
    dir.write("conf/secrets/pw", "secret\n");
    dir.write("conf/nginx.conf",
              "events {}\n"
              "mail {\n"
              "    auth_http 127.0.0.1:9000/auth;\n"
              "    server {\n"
              "        listen 127.0.0.1:1993 ssl; protocol imap;\n"
              "        ssl_certificate certs/rsa.pem;\n"
              "        ssl_certificate /etc/ssl/ecdsa.pem;\n"
              "        ssl_certificate \"data:-----BEGIN CERTIFICATE-----\";\n"
              "        ssl_certificate_key certs/rsa.key;\n"
              "        ssl_certificate_key engine:pkcs11:id_1;\n"
              "        ssl_certificate_key data:KEY;\n"
              "        ssl_certificate_key store:file:/k.pem;\n"
              "        ssl_certificate engine:x;\n"
              "        ssl_password_file secrets/pw;\n"
              "        ssl_certificate_compression on;\n"
              "        ssl_dhparam dh.pem;\n"
              "        ssl_ecdh_curve X25519:prime256v1;\n"
              "        ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n"
              "        ssl_ciphers ECDHE+AESGCM;\n"
              "        ssl_prefer_server_ciphers on;\n"
              "        ssl_session_cache builtin:1000 shared:MAIL:1m;\n"
              "        ssl_session_tickets off;\n"
              "        ssl_session_ticket_key t1.key;\n"
              "        ssl_session_ticket_key /abs/t2.key;\n"
              "        ssl_session_timeout 10m;\n"
              "        ssl_verify_client optional;\n"
              "        ssl_verify_depth 3;\n"
              "        ssl_client_certificate ca.pem;\n"
              "        ssl_trusted_certificate /abs/trusted.pem;\n"
              "        ssl_crl crl.pem;\n"
              "        ssl_conf_command Options -SessionTicket;\n"
              "        ssl_conf_command Groups X25519;\n"
              "        auth_http_pass_client_cert on;\n"
              "        starttls off;\n"
              "    }\n"
              "}\n");
    const MainConfig c = loadConfig("conf/nginx.conf", dir.prefix());
    const ServerConfig& s = c.servers.at(0);
    const std::string conf = dir.path("conf/");
    EXPECT_TRUE(s.tlsWanted());
    EXPECT_TRUE(s.listens.at(0).ssl);
    // Only keys name engines and stores: a certificate "engine:x" is a file name.
    EXPECT_EQ(s.ssl.certificates, (Strings{conf + "certs/rsa.pem", "/etc/ssl/ecdsa.pem",
                                           "data:-----BEGIN CERTIFICATE-----", conf + "engine:x"}));
    EXPECT_EQ(s.ssl.certificatesWhere.file, conf + "nginx.conf");
    EXPECT_EQ(s.ssl.certificatesWhere.line, 6);
    EXPECT_EQ(s.ssl.certificateKeys,
              (Strings{conf + "certs/rsa.key", "engine:pkcs11:id_1", "data:KEY", "store:file:/k.pem"}));
    EXPECT_EQ(s.ssl.passwordFile, conf + "secrets/pw");
    EXPECT_TRUE(s.ssl.certificateCompression);
    EXPECT_EQ(s.ssl.dhparam, conf + "dh.pem");
    EXPECT_EQ(s.ssl.ecdhCurve, "X25519:prime256v1");
    EXPECT_EQ(s.ssl.protocols, unsigned{kTlsV1 | kTlsV1_1 | kTlsV1_2});
    EXPECT_EQ(s.ssl.ciphers, "ECDHE+AESGCM");
    EXPECT_TRUE(s.ssl.preferServerCiphers);
    EXPECT_EQ(s.ssl.sessionCache.mode, SslSessionCache::Cache);
    EXPECT_TRUE(s.ssl.sessionCache.builtin);
    EXPECT_EQ(s.ssl.sessionCache.builtinSize, 1000);
    EXPECT_EQ(s.ssl.sessionCache.sharedName, "MAIL");
    EXPECT_EQ(s.ssl.sessionCache.sharedSize, 1048576u);
    EXPECT_FALSE(s.ssl.sessionTickets);
    EXPECT_EQ(s.ssl.sessionTicketKeys, (Strings{conf + "t1.key", "/abs/t2.key"}));
    EXPECT_EQ(s.ssl.sessionTimeout, Millis(600000));
    EXPECT_EQ(s.ssl.verifyClient, VerifyClient::Optional);
    EXPECT_EQ(s.ssl.verifyDepth, 3);
    EXPECT_EQ(s.ssl.clientCertificate, conf + "ca.pem");
    EXPECT_EQ(s.ssl.trustedCertificate, "/abs/trusted.pem");
    EXPECT_EQ(s.ssl.crl, conf + "crl.pem");
    EXPECT_EQ(s.ssl.confCommands, (Pairs{{"Options", "-SessionTicket"}, {"Groups", "X25519"}}));
    EXPECT_EQ(s.ssl.mergedAt.file, conf + "nginx.conf");
    EXPECT_EQ(s.ssl.mergedAt.line, 36);  // the "}" closing mail{}: where nginx merges
    EXPECT_TRUE(s.authHttpPassClientCert);
    EXPECT_EQ(s.starttls, StartTls::Off);
}

TEST_F(TlsConfigTest, StarttlsValues) {
    EXPECT_EQ(server("listen 1143; protocol imap; starttls off;").starttls, StartTls::Off);
    const ServerConfig on =
        server("listen 1143; protocol imap; starttls on; ssl_certificate c; ssl_certificate_key k;");
    EXPECT_EQ(on.starttls, StartTls::On);
    EXPECT_TRUE(on.tlsWanted());
    const ServerConfig only =
        server("listen 1143; protocol imap; starttls ONLY; ssl_certificate c; ssl_certificate_key k;");
    EXPECT_EQ(only.starttls, StartTls::Only);
    EXPECT_TRUE(only.tlsWanted());
    EXPECT_FALSE(only.listens.at(0).ssl);
}

TEST_F(TlsConfigTest, ProxyProtocolAndPassClientCertValues) {
    EXPECT_EQ(server("listen 1143; protocol imap; proxy_protocol on;").proxyProtocol, ProxyProtocolOut::V1);
    EXPECT_EQ(server("listen 1143; protocol imap; proxy_protocol v2;").proxyProtocol, ProxyProtocolOut::V2);
    EXPECT_EQ(server("listen 1143; protocol imap;", "proxy_protocol on;").proxyProtocol,
              ProxyProtocolOut::V1);
    EXPECT_TRUE(
        server("listen 1143; protocol imap;", "auth_http_pass_client_cert on;").authHttpPassClientCert);
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap; proxy_protocol v3;")),
              at("invalid value \"v3\"", 5));
    EXPECT_EQ(
        error(imapConfig("listen 1143; auth_http_pass_client_cert on; auth_http_pass_client_cert off;")),
        at("\"auth_http_pass_client_cert\" directive is duplicate", 5));
}

TEST_F(TlsConfigTest, ServerListsReplaceMailListsAndEachListInheritsOnItsOwn) {
    const MainConfig c =
        dir.load(imapConfig("listen 1143; protocol imap; ssl_certificate s.pem;"
                            " ssl_session_ticket_key s.key; ssl_conf_command B 2;",
                            "    ssl_certificate m1.pem; ssl_certificate m2.pem;\n"
                            "    ssl_certificate_key m1.key; ssl_certificate_key m2.key;\n"
                            "    ssl_session_ticket_key m.key; ssl_conf_command A 1;\n"
                            "    server { listen 1144; protocol imap; }\n"));
    const std::string p = dir.prefix();
    const SslSettings& own = c.servers.at(0).ssl;
    const SslSettings& inherited = c.servers.at(1).ssl;
    EXPECT_EQ(own.certificates, Strings{p + "s.pem"});
    EXPECT_EQ(own.certificatesWhere.line, 5);
    EXPECT_EQ(own.certificateKeys, (Strings{p + "m1.key", p + "m2.key"}));  // not set here: mail{}'s
    EXPECT_EQ(own.sessionTicketKeys, Strings{p + "s.key"});
    EXPECT_EQ(own.confCommands, (Pairs{{"B", "2"}}));
    EXPECT_EQ(inherited.certificates, (Strings{p + "m1.pem", p + "m2.pem"}));
    EXPECT_EQ(inherited.certificatesWhere.line, 7);
    EXPECT_EQ(inherited.sessionTicketKeys, Strings{p + "m.key"});
    EXPECT_EQ(inherited.confCommands, (Pairs{{"A", "1"}}));
}

TEST_F(TlsConfigTest, ScalarsInheritFromMail) {
    const MainConfig c =
        dir.load(imapConfig("listen 1143; protocol imap; ssl_ciphers OWN; ssl_verify_depth 9;",
                            "    ssl_ciphers MAIL; ssl_protocols TLSv1.3; ssl_session_timeout 1h;\n"
                            "    ssl_verify_client optional_no_ca; ssl_dhparam dh.pem;\n"
                            "    ssl_session_tickets off; starttls on;\n"
                            "    ssl_certificate c; ssl_certificate_key k;\n"
                            "    server { listen 1144; protocol imap; }\n"));
    for (const auto& s : c.servers) {
        EXPECT_EQ(s.ssl.protocols, unsigned{kTlsV1_3});
        EXPECT_EQ(s.ssl.sessionTimeout, Millis(3600000));
        EXPECT_EQ(s.ssl.verifyClient, VerifyClient::OptionalNoCa);
        EXPECT_EQ(s.ssl.dhparam, dir.path("dh.pem"));
        EXPECT_FALSE(s.ssl.sessionTickets);
        EXPECT_EQ(s.starttls, StartTls::On);
        EXPECT_TRUE(s.tlsWanted());
    }
    EXPECT_EQ(c.servers[0].ssl.ciphers, "OWN");
    EXPECT_EQ(c.servers[0].ssl.verifyDepth, 9);
    EXPECT_EQ(c.servers[1].ssl.ciphers, "MAIL");
    EXPECT_EQ(c.servers[1].ssl.verifyDepth, 1);
}

TEST_F(TlsConfigTest, ProtocolsAreACaseInsensitiveBitmaskThatAccumulatesAndWarnsOnRepeats) {
    std::vector<std::string> notices;
    dir.write("nginx.conf", imapConfig("listen 1143; protocol imap;\nssl_protocols SSLv2 sslv3 tlsv1.3;\n"
                                       "ssl_protocols TLSv1.1 TLSv1.3;"));
    const MainConfig c = loadConfig("nginx.conf", dir.prefix(), notices);
    EXPECT_EQ(c.servers.at(0).ssl.protocols, unsigned{kSslV2 | kSslV3 | kTlsV1_1 | kTlsV1_3});
    EXPECT_EQ(notices, Strings{"[warn] duplicate value \"TLSv1.3\" in " + dir.path("nginx.conf") + ":7"});
    EXPECT_EQ(error(imapConfig("listen 1143; ssl_protocols TLSv1.2 TLSv1.4;")),
              at("invalid value \"TLSv1.4\"", 5));
}

TEST_F(TlsConfigTest, SessionCacheForms) {
    auto cache = [&](const std::string& value, const std::string& mailValue = "") {
        return server(
                   "listen 1143; protocol imap;" + (value.empty() ? "" : " ssl_session_cache " + value + ";"),
                   mailValue.empty() ? "" : "ssl_session_cache " + mailValue + ";")
            .ssl.sessionCache;
    };
    EXPECT_EQ(cache("off").mode, SslSessionCache::Off);
    EXPECT_EQ(cache("none").mode, SslSessionCache::None);
    SslSessionCache builtin = cache("builtin");
    EXPECT_EQ(builtin.mode, SslSessionCache::Cache);
    EXPECT_TRUE(builtin.builtin);
    EXPECT_EQ(builtin.builtinSize, 20480);
    EXPECT_EQ(builtin.sharedName, "");
    EXPECT_EQ(cache("builtin:0").builtinSize, 0);
    SslSessionCache shared = cache("shared:SSL:32k");  // 8 pages of 4096: the smallest zone
    EXPECT_EQ(shared.mode, SslSessionCache::Cache);
    EXPECT_FALSE(shared.builtin);
    EXPECT_EQ(shared.sharedName, "SSL");
    EXPECT_EQ(shared.sharedSize, 32768u);
    // Within one directive (or context) the last builtin word wins; a shared zone stays.
    SslSessionCache both = cache("builtin:5 shared:Z:1m");
    EXPECT_TRUE(both.builtin);
    EXPECT_EQ(both.builtinSize, 5);
    EXPECT_EQ(both.sharedName, "Z");
    EXPECT_EQ(cache("shared:Z:1m off").mode, SslSessionCache::Off);
    EXPECT_EQ(cache("builtin off").mode, SslSessionCache::Off);
    // The builtin part and the zone inherit separately, as in nginx.
    SslSessionCache mixed = cache("builtin", "shared:M:1m");
    EXPECT_TRUE(mixed.builtin);
    EXPECT_EQ(mixed.sharedName, "M");
    SslSessionCache inherited = cache("", "shared:M:1m");
    EXPECT_FALSE(inherited.builtin);
    EXPECT_EQ(inherited.sharedName, "M");
    EXPECT_EQ(cache("none", "shared:M:1m").mode, SslSessionCache::None);
    // The same zone in two places is one zone, as long as the sizes agree.
    EXPECT_EQ(cache("shared:M:1m", "shared:M:1m").sharedName, "M");
}

TEST_F(TlsConfigTest, SessionCacheErrors) {
    auto cacheError = [&](const std::string& value) {
        return error(imapConfig("listen 1143; protocol imap; ssl_session_cache " + value + ";"));
    };
    for (const char* bad : {"shared::1m", "shared:x", "shared:x:", "shared:x:1q", "builtin:", "builtin:x",
                            "Builtin", "OFF", "shared:", "other"}) {
        EXPECT_EQ(cacheError(bad), at("invalid session cache \"" + std::string(bad) + "\"", 5)) << bad;
    }
    EXPECT_EQ(cacheError("builtin shared:"), at("invalid session cache \"shared:\"", 5));
    const long page = ::sysconf(_SC_PAGESIZE);
    const std::string small = "shared:x:" + std::to_string(8 * page - 1);
    EXPECT_EQ(cacheError(small), at("session cache \"" + small + "\" is too small", 5));
    EXPECT_EQ(cacheError("shared:x:" + std::to_string(8 * page)), "no error");
    EXPECT_EQ(cacheError("a b c"), at("invalid number of arguments in \"ssl_session_cache\" directive", 5));
    EXPECT_EQ(
        error(imapConfig("listen 1143; ssl_session_cache shared:x:1m;", "ssl_session_cache shared:x:2m;")),
        at("the size 2097152 of shared memory zone \"x\" conflicts with already declared size 1048576", 7));
    // Not "is duplicate": a second directive adds to the first.
    EXPECT_EQ(cacheError("builtin; ssl_session_cache off"), "no error");
}

TEST_F(TlsConfigTest, OneValueDirectivesAreDuplicateWhenRepeatedInOneContext) {
    for (const char* directive :
         {"ssl_ciphers A", "ssl_dhparam d", "ssl_ecdh_curve auto", "ssl_client_certificate c",
          "ssl_trusted_certificate t", "ssl_crl c", "ssl_verify_client on", "ssl_verify_depth 2",
          "ssl_session_timeout 5m", "ssl_session_tickets on", "ssl_prefer_server_ciphers on",
          "ssl_certificate_compression off", "starttls off"}) {
        const std::string d(directive);
        const std::string name = d.substr(0, d.find(' '));
        EXPECT_EQ(error(imapConfig("listen 1143;\n" + d + ";\n" + d + ";")),
                  at("\"" + name + "\" directive is duplicate", 7))
            << directive;
    }
    // Repeatable ones add up.
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap; ssl_certificate a; ssl_certificate b;"
                               " ssl_certificate_key a;"
                               " ssl_certificate_key b; ssl_session_ticket_key a; ssl_session_ticket_key b;"
                               " ssl_conf_command a b; ssl_conf_command a b;")),
              "no error");
}

TEST_F(TlsConfigTest, InvalidValues) {
    auto valueError = [&](const std::string& directive) {
        return error(imapConfig("listen 1143; protocol imap; " + directive + ";"));
    };
    EXPECT_EQ(valueError("ssl_verify_client maybe"), at("invalid value \"maybe\"", 5));
    EXPECT_EQ(valueError("ssl_verify_client OPTIONAL_NO_CA"), "no error");
    EXPECT_EQ(valueError("ssl_verify_depth x"), at("\"ssl_verify_depth\" directive invalid number", 5));
    EXPECT_EQ(valueError("ssl_session_timeout 10ms"),
              at("\"ssl_session_timeout\" directive invalid value", 5));
    EXPECT_EQ(
        valueError("ssl_session_tickets maybe"),
        at("invalid value \"maybe\" in \"ssl_session_tickets\" directive, it must be \"on\" or \"off\"", 5));
    EXPECT_EQ(
        valueError("ssl_prefer_server_ciphers 1"),
        at("invalid value \"1\" in \"ssl_prefer_server_ciphers\" directive, it must be \"on\" or \"off\"",
           5));
    EXPECT_EQ(valueError("ssl_conf_command a"),
              at("invalid number of arguments in \"ssl_conf_command\" directive", 5));
    EXPECT_EQ(valueError("ssl_certificate a b"),
              at("invalid number of arguments in \"ssl_certificate\" directive", 5));
    EXPECT_EQ(valueError("ssl_protocols"),
              at("invalid number of arguments in \"ssl_protocols\" directive", 5));
    EXPECT_EQ(error("events {}\nssl_ciphers x;\n"), at("\"ssl_ciphers\" directive is not allowed here", 2));
}

TEST_F(TlsConfigTest, PasswordFileMustOpenWhenParsedAndAppearsOncePerLevel) {
    dir.write("pw", "one\ntwo\n");
    EXPECT_EQ(server("listen 1143; protocol imap; ssl_password_file pw;").ssl.passwordFile, dir.path("pw"));
    EXPECT_EQ(server("listen 1143; protocol imap;", "ssl_password_file pw;").ssl.passwordFile,
              dir.path("pw"));
    EXPECT_EQ(error(imapConfig("listen 1143;\nssl_password_file missing;")),
              at("open() \"" + dir.path("missing") + "\" failed (2: No such file or directory)", 6));
    EXPECT_EQ(error(imapConfig("listen 1143; ssl_password_file pw;\nssl_password_file pw;")),
              at("\"ssl_password_file\" directive is duplicate", 6));
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap; ssl_password_file pw;", "ssl_password_file pw;")),
              "no error");
}

// ---- the checks made when mail{} closes (spec 9.3, 9.4)

TEST_F(TlsConfigTest, ListenSslNeedsACertificateAndAKey) {
    EXPECT_EQ(error(imapConfig("listen 1143 ssl; protocol imap;")),
              "[emerg] no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive in " +
                  dir.path("nginx.conf") + ":5");
    EXPECT_EQ(error(imapConfig("listen 1143 ssl; protocol imap;\nssl_certificate c.pem;")),
              "[emerg] no \"ssl_certificate_key\" is defined for the \"listen ... ssl\" directive in " +
                  dir.path("nginx.conf") + ":5");
    EXPECT_EQ(error(imapConfig("listen 1143 ssl; protocol imap;\nssl_certificate_key k.pem;")),
              "[emerg] no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive in " +
                  dir.path("nginx.conf") + ":5");
    EXPECT_EQ(error(imapConfig(kTlsServer)), "no error");
}

TEST_F(TlsConfigTest, ACertificateWithoutItsKeyIsNamedAsWritten) {
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap; starttls on;\n"
                               "ssl_certificate a.pem; ssl_certificate b.pem; ssl_certificate_key k.pem;")),
              "[emerg] no \"ssl_certificate_key\" is defined for certificate \"b.pem\" and the \"starttls\" "
              "directive in " +
                  dir.path("nginx.conf") + ":5");
    // More keys than certificates is fine.
    EXPECT_EQ(
        error(imapConfig("listen 1143 ssl; protocol imap; ssl_certificate a.pem; ssl_certificate_key k1;"
                         " ssl_certificate_key k2;")),
        "no error");
}

TEST_F(TlsConfigTest, TheErrorNamesTheLastListenSslElseTheStarttlsDirective) {
    const std::string file = dir.path("nginx.conf");
    auto noCertificate = [&](const char* mode, int line) {
        return "[emerg] no \"ssl_certificate\" is defined for the \"" + std::string(mode) +
               "\" directive in " + file + ":" + std::to_string(line);
    };
    EXPECT_EQ(
        error(imapConfig("protocol imap;\nlisten 1143 ssl;\nlisten 1144;\nlisten 1145 ssl;\nlisten 1146;")),
        noCertificate("listen ... ssl", 8));
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap;\n\nstarttls only;")),
              noCertificate("starttls", 7));
    // starttls before a listen ssl: the listen wins; after one: the listen is kept.
    EXPECT_EQ(error(imapConfig("protocol imap;\nstarttls on;\nlisten 1143 ssl;")),
              noCertificate("listen ... ssl", 7));
    EXPECT_EQ(error(imapConfig("protocol imap;\nlisten 1143 ssl;\nstarttls off;")),
              noCertificate("listen ... ssl", 6));
    // Inherited starttls: the mail{} directive's line.
    EXPECT_EQ(error("events {}\nmail {\n auth_http 127.0.0.1:9;\n starttls on;\n server {\n listen 1143;"
                    " protocol imap;\n }\n}\n"),
              noCertificate("starttls", 4));
    // starttls off anywhere, no listen ssl: no TLS, no check.
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap; starttls off;", "starttls on;")), "no error");
}

TEST_F(TlsConfigTest, VerifyClientNeedsCertificatesToVerifyAgainst) {
    // nginx 1.22 says "no ssl_client_certificate for ssl_verify_client" and refuses a trusted certificate
    // alone; 1.27.2 and later (the spec) accept either. No position, as nginx logs it.
    const std::string noCa =
        "[emerg] no ssl_client_certificate or ssl_trusted_certificate for ssl_verify_client";
    auto verify = [&](const std::string& extra, const std::string& mailBody = "") {
        return error(imapConfig(std::string(kTlsServer) + " " + extra, mailBody));
    };
    EXPECT_EQ(verify("ssl_verify_client on;"), noCa);
    EXPECT_EQ(verify("ssl_verify_client optional;"), noCa);
    EXPECT_EQ(verify("", "ssl_verify_client on;"), noCa);
    EXPECT_EQ(verify("ssl_verify_client on; ssl_client_certificate \"\";"), noCa);
    EXPECT_EQ(verify("ssl_verify_client optional_no_ca;"), "no error");
    EXPECT_EQ(verify("ssl_verify_client off;"), "no error");
    EXPECT_EQ(verify("ssl_verify_client on; ssl_client_certificate ca.pem;"), "no error");
    EXPECT_EQ(verify("ssl_verify_client on; ssl_trusted_certificate ca.pem;"), "no error");
    EXPECT_EQ(verify("ssl_verify_client optional;", "ssl_client_certificate ca.pem;"), "no error");
    // Without TLS, nothing is checked.
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap; ssl_verify_client on;")), "no error");
}

TEST_F(TlsConfigTest, ChecksRunInNginxModuleOrder) {
    // core (protocol) for every server, then ssl for every server, then auth_http.
    EXPECT_EQ(
        error("events {}\nmail {\n server {\n listen 1143 ssl; protocol imap;\n }\n server {\n listen 1144;\n"
              " }\n}\n"),
        "[emerg] unknown mail protocol for server in " + dir.path("nginx.conf") + ":6");
    EXPECT_EQ(error("events {}\nmail {\n server {\n listen 1143 ssl; protocol imap;\n }\n}\n"),
              "[emerg] no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive in " +
                  dir.path("nginx.conf") + ":4");
}

// ---- the deprecated `ssl on|off` (nginx 1.22; removed in 1.25.1). Texts and lines checked with nginx 1.22.1
// -t.

TEST_F(TlsConfigTest, DeprecatedSslIsAFlagThatWarnsEachTime) {
    Strings notices;
    dir.write("nginx.conf",
              imapConfig("listen 1143; protocol imap; ssl on; ssl_certificate c; ssl_certificate_key k;"));
    ServerConfig on = loadConfig("nginx.conf", dir.prefix(), notices).servers.at(0);
    EXPECT_TRUE(on.sslOn);
    EXPECT_TRUE(on.tlsWanted());
    EXPECT_FALSE(on.listens.at(0).ssl);
    EXPECT_EQ(on.starttls, StartTls::Off);
    EXPECT_EQ(notices, Strings{deprecatedAt(5)});

    // "off" warns too, and wants no TLS; values are case-insensitive like every flag.
    dir.write("nginx.conf", imapConfig("listen 1143; protocol imap;\nssl off;"));
    notices.clear();
    ServerConfig off = loadConfig("nginx.conf", dir.prefix(), notices).servers.at(0);
    EXPECT_FALSE(off.sslOn);
    EXPECT_FALSE(off.tlsWanted());
    EXPECT_EQ(notices, Strings{deprecatedAt(6)});
    EXPECT_TRUE(
        server("listen 1143; protocol imap; ssl ON; ssl_certificate c; ssl_certificate_key k;").sslOn);
    EXPECT_FALSE(server("listen 1143; protocol imap;").sslOn);
}

TEST_F(TlsConfigTest, DeprecatedSslInheritsFromMail) {
    Strings notices;
    dir.write("nginx.conf", imapConfig("listen 1143; protocol imap;",
                                       "    ssl on; ssl_certificate c; ssl_certificate_key k;\n"
                                       "    server { listen 1144; protocol imap;\n ssl off; }\n"));
    const MainConfig c = loadConfig("nginx.conf", dir.prefix(), notices);
    EXPECT_TRUE(c.servers.at(0).sslOn);
    EXPECT_TRUE(c.servers.at(0).tlsWanted());
    EXPECT_FALSE(c.servers.at(1).sslOn);
    EXPECT_FALSE(c.servers.at(1).tlsWanted());
    EXPECT_EQ(notices, (Strings{deprecatedAt(7), deprecatedAt(9)}));
}

TEST_F(TlsConfigTest, DeprecatedSslValueErrorsAndDuplicates) {
    Strings notices;
    // A bad value or argument count is refused before the warning.
    EXPECT_EQ(errorAndNotices(imapConfig("listen 1143; protocol imap; ssl maybe;"), notices),
              at("invalid value \"maybe\" in \"ssl\" directive, it must be \"on\" or \"off\"", 5));
    EXPECT_TRUE(notices.empty());
    EXPECT_EQ(errorAndNotices(imapConfig("listen 1143; protocol imap; ssl on off;"), notices),
              at("invalid number of arguments in \"ssl\" directive", 5));
    EXPECT_EQ(errorAndNotices(imapConfig("listen 1143; protocol imap; ssl;"), notices),
              at("invalid number of arguments in \"ssl\" directive", 5));
    // The second one in a context is duplicate, whatever the values; the first has warned.
    EXPECT_EQ(errorAndNotices(imapConfig("listen 1143; protocol imap;\nssl off;\nssl on;"), notices),
              at("\"ssl\" directive is duplicate", 7));
    EXPECT_EQ(notices, Strings{deprecatedAt(6)});
    EXPECT_EQ(errorAndNotices(imapConfig("listen 1143; protocol imap;", "ssl on;\nssl on;"), notices),
              at("\"ssl\" directive is duplicate", 8));
    EXPECT_EQ(notices, Strings{deprecatedAt(7)});
    // Once in mail{} and once in a server is not duplicate.
    EXPECT_EQ(errorAndNotices(imapConfig("listen 1143; protocol imap; ssl off;", "ssl off;"), notices),
              "no error");
    EXPECT_EQ(notices, (Strings{deprecatedAt(5), deprecatedAt(7)}));
    EXPECT_EQ(error("events {}\nssl on;\n"), at("\"ssl\" directive is not allowed here", 2));
}

TEST_F(TlsConfigTest, DeprecatedSslOnConflictsWithStarttlsInTheSameContext) {
    Strings notices;
    const std::string tls = " ssl_certificate c; ssl_certificate_key k;";
    // starttls first: refused at the ssl line, after its warning.
    for (const char* mode : {"on", "only"}) {
        EXPECT_EQ(errorAndNotices(imapConfig("listen 1143; protocol imap;\nstarttls " + std::string(mode) +
                                             ";\nssl on;" + tls),
                                  notices),
                  at("\"starttls\" directive conflicts with \"ssl on\"", 7))
            << mode;
        EXPECT_EQ(notices, Strings{deprecatedAt(7)});
    }
    // ssl on first: refused at the starttls line.
    for (const char* mode : {"on", "only"}) {
        EXPECT_EQ(errorAndNotices(imapConfig("listen 1143; protocol imap;\nssl on;\nstarttls " +
                                             std::string(mode) + ";" + tls),
                                  notices),
                  at("\"ssl\" directive conflicts with \"starttls\"", 7))
            << mode;
        EXPECT_EQ(notices, Strings{deprecatedAt(6)});
    }
    // In mail{} alike.
    EXPECT_EQ(errorAndNotices(imapConfig("listen 1143; protocol imap;", "ssl on;\nstarttls on;"), notices),
              at("\"ssl\" directive conflicts with \"starttls\"", 8));
    EXPECT_EQ(errorAndNotices(imapConfig("listen 1143; protocol imap;", "starttls only;\nssl on;"), notices),
              at("\"starttls\" directive conflicts with \"ssl on\"", 8));
    // An off on either side does not conflict; a starttls value error comes first.
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap; starttls off; ssl on;" + tls)), "no error");
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap; ssl on; starttls off;" + tls)), "no error");
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap; ssl off; starttls on;" + tls)), "no error");
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap; starttls only; ssl off;" + tls)), "no error");
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap; ssl on; starttls bad;" + tls)),
              at("invalid value \"bad\"", 5));
    // Across contexts nothing is checked: the server gets both.
    const ServerConfig both = server("listen 1143; protocol imap; starttls on;", "ssl on;" + tls);
    EXPECT_TRUE(both.sslOn);
    EXPECT_EQ(both.starttls, StartTls::On);
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap; ssl on;", "starttls only;" + tls)), "no error");
}

TEST_F(TlsConfigTest, DeprecatedSslOnNeedsACertificateAndAKey) {
    Strings notices;
    const std::string file = dir.path("nginx.conf");
    auto noFor = [&](const std::string& what, const char* mode, int line) {
        return "[emerg] no \"" + what + "\" is defined for the \"" + std::string(mode) + "\" directive in " +
               file + ":" + std::to_string(line);
    };
    EXPECT_EQ(errorAndNotices(imapConfig("listen 1143; protocol imap;\nssl on;"), notices),
              noFor("ssl_certificate", "ssl", 6));
    EXPECT_EQ(notices, Strings{deprecatedAt(6)});  // the warning is logged before the error
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap;\nssl on;\nssl_certificate c.pem;")),
              noFor("ssl_certificate_key", "ssl", 6));
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap;\nssl on;\nssl_certificate_key k.pem;")),
              noFor("ssl_certificate", "ssl", 6));
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap;\nssl on;\n"
                               "ssl_certificate a.pem; ssl_certificate b.pem; ssl_certificate_key k.pem;")),
              "[emerg] no \"ssl_certificate_key\" is defined for certificate \"b.pem\" and the \"ssl\" "
              "directive in " +
                  file + ":6");
    EXPECT_EQ(
        error(imapConfig("listen 1143; protocol imap;\nssl on;\nssl_certificate c; ssl_certificate_key k;")),
        "no error");
    // ssl off wants nothing.
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap; ssl off;")), "no error");
}

TEST_F(TlsConfigTest, DeprecatedSslOnErrorPositionAndMode) {
    const std::string file = dir.path("nginx.conf");
    auto noCertificate = [&](const char* mode, int line) {
        return "[emerg] no \"ssl_certificate\" is defined for the \"" + std::string(mode) +
               "\" directive in " + file + ":" + std::to_string(line);
    };
    // In mail{}: that directive's line, for every server inheriting it.
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap;", "\nssl on;")), noCertificate("ssl", 8));
    // A listen ssl of the server wins, before or after ssl on, and keeps its line.
    EXPECT_EQ(error(imapConfig("protocol imap;\nlisten 1143 ssl;\nssl on;")),
              noCertificate("listen ... ssl", 6));
    EXPECT_EQ(error(imapConfig("protocol imap;\nssl on;\nlisten 1143 ssl;")),
              noCertificate("listen ... ssl", 7));
    EXPECT_EQ(error(imapConfig("protocol imap;\nlisten 1143 ssl;\nssl off;")),
              noCertificate("listen ... ssl", 6));
    EXPECT_EQ(error(imapConfig("protocol imap;\nlisten 1143;\nlisten 1144 ssl;\nlisten 1145;\nssl on;")),
              noCertificate("listen ... ssl", 7));
    EXPECT_EQ(error(imapConfig("protocol imap;\nlisten 1143 ssl;", "ssl on;")),
              noCertificate("listen ... ssl", 6));
    // ssl on outranks starttls in the message; the line is the last ssl or starttls of the server, either
    // value.
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap;\nssl on;\nstarttls off;")),
              noCertificate("ssl", 7));
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap;\nstarttls on;\nssl off;")),
              noCertificate("starttls", 7));
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap;\n\nstarttls off;", "ssl on;")),
              noCertificate("ssl", 7));
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap;\nstarttls on;", "ssl on;")),
              noCertificate("ssl", 6));
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap;\nssl on;", "starttls on;")),
              noCertificate("ssl", 6));
    EXPECT_EQ(error(imapConfig("listen 1143; protocol imap;\nssl off;", "starttls on;")),
              noCertificate("starttls", 6));
}

TEST_F(TlsConfigTest, TlsWantedFollowsListenSslAndStarttls) {
    EXPECT_FALSE(server("listen 1143; protocol imap; ssl_certificate c; ssl_certificate_key k;").tlsWanted());
    EXPECT_TRUE(server(kTlsServer).tlsWanted());
    ServerConfig mixed = server("listen 1144; " + std::string(kTlsServer));
    EXPECT_FALSE(mixed.listens.at(0).ssl);
    EXPECT_TRUE(mixed.listens.at(1).ssl);
    EXPECT_TRUE(mixed.tlsWanted());
}

}  // namespace
}  // namespace mailwire::config
