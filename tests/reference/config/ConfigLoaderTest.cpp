// Good configurations: every IMAP directive parsed into ServerConfig, inheritance, includes, defaults.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "config/ConfigLoader.h"
#include "reference/config/TempConfigDir.h"

namespace mailwire::config {
namespace {

using testing::imapConfig;
using testing::TempConfigDir;
using Strings = std::vector<std::string>;

std::string lowerHostName() {
    char buf[256] = {};
    ::gethostname(buf, sizeof buf - 1);
    std::string s(buf);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

TEST(ConfigLoaderTest, MinimalImapServerGetsNginxDefaults) {
    TempConfigDir dir;
    MainConfig c = dir.load(imapConfig("listen 127.0.0.1:1143; protocol imap;"));
    EXPECT_EQ(c.file, dir.path("nginx.conf"));
    EXPECT_EQ(c.prefix, dir.prefix());
    EXPECT_TRUE(c.daemon);
    EXPECT_TRUE(c.masterProcess);
    EXPECT_EQ(c.workerProcesses, 1);
    EXPECT_EQ(c.pidFile, dir.path("logs/nginx.pid"));
    ASSERT_EQ(c.errorLogs.size(), 1u);
    EXPECT_EQ(c.errorLogs[0].target, dir.path("logs/error.log"));
    EXPECT_EQ(c.errorLogs[0].level, "error");
    EXPECT_EQ(c.workerConnections, 512);
    ASSERT_EQ(c.servers.size(), 1u);
    const ServerConfig& s = c.servers[0];
    EXPECT_EQ(s.where.file, dir.path("nginx.conf"));
    EXPECT_EQ(s.where.line, 4);
    ASSERT_EQ(s.listens.size(), 1u);
    EXPECT_EQ(s.listens[0].host, "127.0.0.1");
    EXPECT_EQ(s.listens[0].port, 1143);
    EXPECT_EQ(s.listens[0].text, "127.0.0.1:1143");
    EXPECT_EQ(s.listens[0].backlog, 511);
    EXPECT_EQ(s.protocol, Protocol::Imap);
    EXPECT_EQ(s.serverName, lowerHostName());
    EXPECT_EQ(s.timeout, Millis(60000));
    EXPECT_EQ(s.maxErrors, 5);
    EXPECT_TRUE(s.errorLogs.empty());
    EXPECT_EQ(s.imapClientBuffer, 4096u);
    EXPECT_EQ(s.imapCapabilities, (Strings{"IMAP4", "IMAP4rev1", "UIDPLUS"}));
    EXPECT_EQ(s.imapAuth, unsigned{kAuthPlain});
    EXPECT_EQ(s.authHttp.host, "127.0.0.1");
    EXPECT_EQ(s.authHttp.port, 9000);
    EXPECT_EQ(s.authHttp.uri, "/auth");
    EXPECT_EQ(s.authHttp.hostHeader, "127.0.0.1");
    EXPECT_EQ(s.authHttp.text, "127.0.0.1:9000/auth");
    EXPECT_EQ(s.authHttpTimeout, Millis(60000));
    EXPECT_TRUE(s.authHttpHeaders.empty());
    EXPECT_EQ(s.proxyBuffer, 4096u);
    EXPECT_EQ(s.proxyTimeout, Millis(24 * 3600 * 1000));
    EXPECT_FALSE(s.proxyPassErrorMessage);
    EXPECT_EQ(s.proxyProtocol, ProxyProtocolOut::Off);
    EXPECT_TRUE(s.xclient);
    EXPECT_EQ(s.starttls, StartTls::Off);
    EXPECT_FALSE(s.resolverEnabled);
}

TEST(ConfigLoaderTest, FullExampleWithEveryImapDirective) {
    TempConfigDir dir;
    std::vector<std::string> notices;
    dir.write("nginx.conf",
              "load_module /usr/lib/nginx/modules/ngx_mail_module.so;\n"
              "daemon off;\n"
              "master_process off;\n"
              "worker_processes 3;\n"
              "worker_shutdown_timeout 10s;\n"
              "pid run/mw.pid;\n"
              "error_log stderr info;\n"
              "error_log logs/main.log;\n"
              "user nobody nogroup;\n"
              "worker_rlimit_nofile 4096;\n"
              "env TZ;\n"
              "events { worker_connections 64; use epoll; multi_accept on; accept_mutex off; }\n"
              "mail {\n"
              "    server_name Mail.Example;\n"
              "    auth_http http://localhost:9000/mail/auth;\n"
              "    auth_http_timeout 5s;\n"
              "    auth_http_header X-Auth-Key \"secret value\";\n"
              "    auth_http_header X-Other o;\n"
              "    auth_http_pass_client_cert off;\n"
              "    error_log logs/mail.log debug;\n"
              "    server {\n"
              "        listen 127.0.0.1:1143 bind backlog=128 rcvbuf=8k sndbuf=16k so_keepalive=30m::10;\n"
              "        listen [::1]:1143 ipv6only=on;\n"
              "        protocol imap;\n"
              "        timeout 30s;\n"
              "        max_errors 3;\n"
              "        resolver off;\n"
              "        resolver_timeout 5s;\n"
              "        imap_client_buffer 8k;\n"
              "        imap_capabilities IMAP4rev1 \"SASL-IR\" IDLE;\n"
              "        imap_auth plain LOGIN cram-md5 external;\n"
              "        proxy on;\n"
              "        proxy_buffer 16k;\n"
              "        proxy_timeout 1h;\n"
              "        proxy_pass_error_message on;\n"
              "        proxy_protocol off;\n"
              "        proxy_smtp_auth on;\n"
              "        xclient off;\n"
              "        starttls off;\n"
              "        pop3_capabilities TOP;\n"
              "        pop3_auth apop;\n"
              "        smtp_client_buffer 2k;\n"
              "        smtp_greeting_delay 500ms;\n"
              "        smtp_capabilities \"SIZE 10485760\" PIPELINING;\n"
              "        smtp_auth none;\n"
              "    }\n"
              "}\n");
    MainConfig c = loadConfig("nginx.conf", dir.prefix(), notices);
    EXPECT_EQ(notices, (Strings{"[notice] \"load_module\" directive is ignored by mailwire-proxy in " +
                                dir.path("nginx.conf") + ":1"}));
    EXPECT_FALSE(c.daemon);
    EXPECT_FALSE(c.masterProcess);
    EXPECT_EQ(c.workerProcesses, 3);
    EXPECT_EQ(c.workerShutdownTimeout, Millis(10000));
    EXPECT_EQ(c.pidFile, dir.path("run/mw.pid"));
    ASSERT_EQ(c.errorLogs.size(), 2u);
    EXPECT_EQ(c.errorLogs[0].target, "stderr");
    EXPECT_EQ(c.errorLogs[0].level, "info");
    EXPECT_EQ(c.errorLogs[1].target, dir.path("logs/main.log"));
    EXPECT_EQ(c.errorLogs[1].level, "error");
    ASSERT_EQ(c.mailErrorLogs.size(), 1u);
    EXPECT_EQ(c.mailErrorLogs[0].target, dir.path("logs/mail.log"));
    EXPECT_EQ(c.user, "nobody");
    EXPECT_EQ(c.workerRlimitNofile, 4096);
    EXPECT_EQ(c.env, Strings{"TZ"});
    EXPECT_EQ(c.workerConnections, 64);

    ASSERT_EQ(c.servers.size(), 1u);
    const ServerConfig& s = c.servers[0];
    ASSERT_EQ(s.listens.size(), 2u);
    const ListenSpec& l4 = s.listens[0];
    EXPECT_TRUE(l4.bind);
    EXPECT_EQ(l4.backlog, 128);
    EXPECT_EQ(l4.rcvbuf, 8192);
    EXPECT_EQ(l4.sndbuf, 16384);
    EXPECT_EQ(l4.soKeepalive, 1);
    EXPECT_EQ(l4.keepIdle, 1800);
    EXPECT_EQ(l4.keepIntvl, 0);
    EXPECT_EQ(l4.keepCnt, 10);
    EXPECT_EQ(l4.where.line, 22);
    EXPECT_EQ(s.listens[1].host, "::1");
    EXPECT_EQ(s.listens[1].text, "[::1]:1143");
    EXPECT_TRUE(s.listens[1].ipv6only);
    EXPECT_EQ(s.serverName, "Mail.Example");
    EXPECT_EQ(s.timeout, Millis(30000));
    EXPECT_EQ(s.maxErrors, 3);
    EXPECT_EQ(s.resolverTimeout, Millis(5000));
    EXPECT_EQ(s.imapClientBuffer, 8192u);
    EXPECT_EQ(s.imapCapabilities, (Strings{"IMAP4rev1", "SASL-IR", "IDLE"}));
    EXPECT_EQ(s.imapAuth, unsigned{kAuthPlain | kAuthLogin | kAuthCramMd5 | kAuthExternal});
    EXPECT_TRUE(s.proxy);
    EXPECT_EQ(s.proxyBuffer, 16384u);
    EXPECT_EQ(s.proxyTimeout, Millis(3600000));
    EXPECT_TRUE(s.proxyPassErrorMessage);
    EXPECT_TRUE(s.proxySmtpAuth);
    EXPECT_FALSE(s.xclient);
    EXPECT_EQ(s.pop3Capabilities, Strings{"TOP"});
    EXPECT_EQ(s.pop3Auth, unsigned{kAuthApop});
    EXPECT_EQ(s.smtpClientBuffer, 2048u);
    EXPECT_EQ(s.smtpGreetingDelay, Millis(500));
    EXPECT_EQ(s.smtpCapabilities, (Strings{"SIZE 10485760", "PIPELINING"}));
    EXPECT_EQ(s.smtpAuth, unsigned{kAuthNone});
    EXPECT_EQ(s.authHttp.port, 9000);
    EXPECT_EQ(s.authHttp.uri, "/mail/auth");
    EXPECT_EQ(s.authHttp.hostHeader, "localhost");
    EXPECT_TRUE(s.authHttp.host == "127.0.0.1" || s.authHttp.host == "::1") << s.authHttp.host;
    EXPECT_EQ(s.authHttp.text, "http://localhost:9000/mail/auth");
    EXPECT_EQ(s.authHttpTimeout, Millis(5000));
    EXPECT_EQ(s.authHttpHeaders, (std::vector<std::pair<std::string, std::string>>{
                                     {"X-Auth-Key", "secret value"}, {"X-Other", "o"}}));
    ASSERT_EQ(s.errorLogs.size(), 1u);
    EXPECT_EQ(s.errorLogs[0].level, "debug");
}

TEST(ConfigLoaderTest, ServerInheritsMailValuesItDoesNotSet) {
    TempConfigDir dir;
    MainConfig c = dir.load(imapConfig("listen 1143; protocol imap; timeout 5s;",
                                       "    timeout 20s; proxy_timeout 2m; server_name mx;\n"
                                       "    imap_capabilities IDLE;\n"
                                       "    server { listen 1144; protocol imap; server_name other; }\n"));
    ASSERT_EQ(c.servers.size(), 2u);
    EXPECT_EQ(c.servers[0].timeout, Millis(5000));
    EXPECT_EQ(c.servers[1].timeout, Millis(20000));
    EXPECT_EQ(c.servers[0].proxyTimeout, Millis(120000));
    EXPECT_EQ(c.servers[0].serverName, "mx");
    EXPECT_EQ(c.servers[1].serverName, "other");
    EXPECT_EQ(c.servers[0].imapCapabilities, Strings{"IDLE"});
    EXPECT_EQ(c.servers[1].authHttp.port, 9000);
}

TEST(ConfigLoaderTest, ServerListsReplaceMailListsInsteadOfMerging) {
    TempConfigDir dir;
    MainConfig c = dir.load(imapConfig(
        "listen 1143; protocol imap; imap_capabilities IDLE; auth_http_header B 2; imap_auth login;",
        "    imap_capabilities A1; imap_capabilities A2; auth_http_header A 1; imap_auth cram-md5;\n"
        "    server { listen 1144; protocol imap; }\n"));
    const ServerConfig& own = c.servers[0];
    const ServerConfig& inherited = c.servers[1];
    EXPECT_EQ(own.imapCapabilities, Strings{"IDLE"});
    EXPECT_EQ(inherited.imapCapabilities, (Strings{"A1", "A2"}));
    EXPECT_EQ(own.authHttpHeaders.size(), 1u);
    EXPECT_EQ(own.authHttpHeaders[0].first, "B");
    EXPECT_EQ(inherited.authHttpHeaders[0].first, "A");
    EXPECT_EQ(own.imapAuth, unsigned{kAuthLogin});
    EXPECT_EQ(inherited.imapAuth, unsigned{kAuthCramMd5});
}

TEST(ConfigLoaderTest, RepeatedAuthMaskInOneContextAddsAndWarnsOnDuplicates) {
    TempConfigDir dir;
    std::vector<std::string> notices;
    dir.write("nginx.conf",
              imapConfig("listen 1143; protocol imap;\nimap_auth plain;\nimap_auth login PLAIN;"));
    MainConfig c = loadConfig(dir.path("nginx.conf"), dir.prefix(), notices);
    EXPECT_EQ(c.servers[0].imapAuth, unsigned{kAuthPlain | kAuthLogin});
    EXPECT_EQ(notices, Strings{"[warn] duplicate value \"PLAIN\" in " + dir.path("nginx.conf") + ":7"});
}

TEST(ConfigLoaderTest, ProtocolIsInferredFromPort143AndLaterProtocolOverrides) {
    TempConfigDir dir;
    MainConfig c = dir.load(imapConfig("listen 127.0.0.1:143;"));
    EXPECT_EQ(c.servers[0].protocol, Protocol::Imap);
    EXPECT_EQ(c.servers[0].listens[0].text, "127.0.0.1:143");
    EXPECT_EQ(dir.error(imapConfig("listen 127.0.0.1:993;")), "no error");
    EXPECT_EQ(dir.error(imapConfig("listen 127.0.0.1:110; protocol imap;")), "no error");
}

TEST(ConfigLoaderTest, ListenAddressForms) {
    TempConfigDir dir;
    MainConfig c =
        dir.load(imapConfig("listen 1143; listen *:1144; listen [::1]:1145; listen localhost:1146;"
                            " protocol imap;"));
    const auto& l = c.servers[0].listens;
    ASSERT_GE(l.size(), 4u);
    EXPECT_EQ(l[0].host, "0.0.0.0");
    EXPECT_EQ(l[0].text, "0.0.0.0:1143");
    EXPECT_EQ(l[1].text, "0.0.0.0:1144");
    EXPECT_EQ(l[2].text, "[::1]:1145");
    for (size_t i = 3; i < l.size(); ++i) {
        EXPECT_EQ(l[i].port, 1146);
        EXPECT_TRUE(l[i].host == "127.0.0.1" || l[i].host == "::1") << l[i].host;
    }
}

TEST(ConfigLoaderTest, UnixListenWithParameters) {
    TempConfigDir dir;
    MainConfig c = dir.load(imapConfig(
        "listen unix:/run/mail.sock ssl proxy_protocol backlog=64; listen unix:rel.sock; protocol imap;"
        " ssl_certificate c; ssl_certificate_key k;"));
    const auto& l = c.servers.at(0).listens;
    ASSERT_EQ(l.size(), 2u);
    EXPECT_EQ(l[0].unixPath, "/run/mail.sock");
    EXPECT_EQ(l[0].text, "unix:/run/mail.sock");
    EXPECT_EQ(l[0].host, "");
    EXPECT_EQ(l[0].port, 0);
    EXPECT_TRUE(l[0].ssl);
    EXPECT_TRUE(l[0].proxyProtocol);
    EXPECT_EQ(l[0].backlog, 64);
    EXPECT_EQ(l[1].unixPath, "rel.sock");  // as written: nginx binds it relative to its working directory
    EXPECT_EQ(l[1].text, "unix:rel.sock");
    EXPECT_FALSE(l[1].ssl);
    EXPECT_TRUE(c.servers[0].tlsWanted());
}

TEST(ConfigLoaderTest, AuthHttpUrlForms) {
    TempConfigDir dir;
    auto target = [&](const std::string& url) {
        return dir.load("events {}\nmail { auth_http " + url + "; server { listen 1143; protocol imap; } }\n")
            .servers[0]
            .authHttp;
    };
    AuthHttpTarget plain = target("127.0.0.1");
    EXPECT_EQ(plain.port, 80);
    EXPECT_EQ(plain.uri, "/");
    EXPECT_EQ(plain.hostHeader, "127.0.0.1");
    AuthHttpTarget v6 = target("http://[::1]:8080/a?b=c");
    EXPECT_EQ(v6.host, "::1");
    EXPECT_EQ(v6.port, 8080);
    EXPECT_EQ(v6.hostHeader, "[::1]");
    EXPECT_EQ(v6.uri, "/a?b=c");
    AuthHttpTarget unixSocket = target("unix:/run/auth.sock:/check");
    EXPECT_EQ(unixSocket.unixPath, "/run/auth.sock");
    EXPECT_EQ(unixSocket.uri, "/check");
    EXPECT_EQ(unixSocket.hostHeader, "localhost");
    EXPECT_EQ(unixSocket.host, "");
}

TEST(ConfigLoaderTest, IncludeGlobIsSortedAndRelativeToTheConfigDirectory) {
    TempConfigDir dir;
    dir.write("conf/mail.d/20-b.conf", "server { listen 1144; protocol imap; }\n");
    dir.write("conf/mail.d/10-a.conf", "server { listen 1143; protocol imap; }\n");
    dir.write("conf/mail.d/ignored.txt", "garbage");
    dir.write("conf/events.conf", "worker_connections 99;\n");
    dir.write("conf/nginx.conf",
              "events { include events.conf; }\n"
              "mail { auth_http 127.0.0.1:9; include mail.d/*.conf; include nothing/*.conf; }\n");
    MainConfig c = loadConfig("conf/nginx.conf", dir.prefix());
    EXPECT_EQ(c.workerConnections, 99);
    ASSERT_EQ(c.servers.size(), 2u);
    EXPECT_EQ(c.servers[0].listens[0].port, 1143);
    EXPECT_EQ(c.servers[0].where.file, dir.path("conf/mail.d/10-a.conf"));
    EXPECT_EQ(c.servers[0].where.line, 1);
    EXPECT_EQ(c.servers[1].listens[0].port, 1144);
}

TEST(ConfigLoaderTest, CommentsQuotesAndOddSpacing) {
    TempConfigDir dir;
    MainConfig c = dir.load(
        "# leading comment\n"
        "events{}mail{auth_http '127.0.0.1:9/a b';#trailing\n"
        "server{listen\t1143 ;protocol \"imap\";\n"
        "imap_capabilities \"X-Q\\\"T\" 'SP ACE' #comment ;\n"
        ";}}\n");
    EXPECT_EQ(c.servers[0].authHttp.uri, "/a b");
    EXPECT_EQ(c.servers[0].imapCapabilities, (Strings{"X-Q\"T", "SP ACE"}));
}

TEST(ConfigLoaderTest, SizesAndTimesInDirectives) {
    TempConfigDir dir;
    MainConfig c =
        dir.load(imapConfig("listen 1143; protocol imap; imap_client_buffer 1m; timeout 90; proxy_timeout "
                            "1h30m; auth_http_timeout 250ms;"));
    EXPECT_EQ(c.servers[0].imapClientBuffer, 1048576u);
    EXPECT_EQ(c.servers[0].timeout, Millis(90000));
    EXPECT_EQ(c.servers[0].proxyTimeout, Millis(5400000));
    EXPECT_EQ(c.servers[0].authHttpTimeout, Millis(250));
}

TEST(ConfigLoaderTest, WorkerProcessesAutoIsTheCoreCount) {
    TempConfigDir dir;
    MainConfig c = dir.load("worker_processes auto;\nevents {}\n");
    EXPECT_GE(c.workerProcesses, 1);
    EXPECT_TRUE(c.servers.empty());
}

TEST(ConfigLoaderTest, EmptyServerNameFallsBackToHostName) {
    TempConfigDir dir;
    MainConfig c = dir.load(imapConfig("listen 1143; protocol imap; server_name \"\";"));
    EXPECT_EQ(c.servers[0].serverName, lowerHostName());
}

TEST(ConfigLoaderTest, AbsoluteConfigPathAndErrorLogPaths) {
    TempConfigDir dir;
    dir.write("x.conf",
              "error_log /var/log/x.log warn;\nerror_log syslog:server=127.0.0.1 notice;\nevents {}\n");
    MainConfig c = loadConfig(dir.path("x.conf"), dir.prefix());
    ASSERT_EQ(c.errorLogs.size(), 2u);
    EXPECT_EQ(c.errorLogs[0].target, "/var/log/x.log");
    EXPECT_EQ(c.errorLogs[0].level, "warn");
    EXPECT_EQ(c.errorLogs[1].target, "syslog:server=127.0.0.1");
}

TEST(ConfigLoaderTest, ProtocolNames) {
    EXPECT_STREQ(protocolName(Protocol::Imap), "imap");
    EXPECT_STREQ(protocolName(Protocol::Pop3), "pop3");
    EXPECT_STREQ(protocolName(Protocol::Smtp), "smtp");
}

}  // namespace
}  // namespace mailwire::config
