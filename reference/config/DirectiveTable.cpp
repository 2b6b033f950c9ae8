#include "config/DirectiveTable.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "config/AuthHttpUrl.h"
#include "config/ConfigError.h"
#include "config/HostResolver.h"
#include "config/ListenParser.h"
#include "config/ResolverArgs.h"
#include "config/ValueParsers.h"

namespace mailwire::config {

namespace {

// ---- errors worded as nginx words them

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

[[noreturn]] void fail(const Directive& d, const std::string& message) { throwAt(message, d.where); }

[[noreturn]] void duplicate(const Directive& d) { fail(d, quoted(d.name) + " directive is duplicate"); }

template <class T>
void ensureUnset(const std::optional<T>& slot, const Directive& d) {
    if (slot) duplicate(d);
}

void onceInMain(LoadState& s, const Directive& d) {
    if (!s.setInMain.insert(d.name).second) duplicate(d);
}

// ---- value arguments

Millis timeArg(const Directive& d) {
    auto t = parseTime(d.args[0]);
    if (!t) fail(d, quoted(d.name) + " directive invalid value");
    return Millis(*t);
}

size_t sizeArg(const Directive& d) {
    auto n = parseSize(d.args[0]);
    if (!n) fail(d, quoted(d.name) + " directive invalid value");
    return static_cast<size_t>(*n);
}

int numberArg(const Directive& d) {
    auto n = parseNumber(d.args[0]);
    if (!n) fail(d, quoted(d.name) + " directive invalid number");
    return static_cast<int>(*n);
}

bool flagArg(const Directive& d) {
    auto f = parseFlag(d.args[0]);
    if (!f) {
        fail(d, "invalid value " + quoted(d.args[0]) + " in " + quoted(d.name) +
                    " directive, it must be \"on\" or \"off\"");
    }
    return *f;
}

// Matches case-insensitively, like ngx_conf_set_enum_slot; `canonical` gets the table's spelling.
template <class E, size_t N>
E enumArg(const Directive& d, const std::pair<const char*, E> (&values)[N], std::string& canonical) {
    for (const auto& [name, value] : values) {
        if (equalsIgnoreCase(d.args[0], name)) {
            canonical = name;
            return value;
        }
    }
    fail(d, "invalid value " + quoted(d.args[0]));
}

// ---- slot handlers: one setting per context, then inherited

// The current context's field, for a member of ServerDraft or of its SslDraft.
template <class T>
std::optional<T>& slotOf(LoadState& s, std::optional<T> ServerDraft::*field) {
    return s.draft().*field;
}
template <class T>
std::optional<T>& slotOf(LoadState& s, std::optional<T> SslDraft::*field) {
    return s.draft().ssl.*field;
}

template <auto F>
void timeSlot(LoadState& s, const Directive& d) {
    auto& slot = slotOf(s, F);
    ensureUnset(slot, d);
    slot = timeArg(d);
}

// ngx_conf_set_sec_slot: a time in seconds ("ms" is refused).
template <auto F>
void secondsSlot(LoadState& s, const Directive& d) {
    auto& slot = slotOf(s, F);
    ensureUnset(slot, d);
    auto t = parseTime(d.args[0], true);
    if (!t) fail(d, quoted(d.name) + " directive invalid value");
    slot = Millis(*t * 1000);
}

template <auto F>
void sizeSlot(LoadState& s, const Directive& d) {
    auto& slot = slotOf(s, F);
    ensureUnset(slot, d);
    slot = sizeArg(d);
}

template <auto F>
void numberSlot(LoadState& s, const Directive& d) {
    auto& slot = slotOf(s, F);
    ensureUnset(slot, d);
    slot = numberArg(d);
}

template <auto F>
void flagSlot(LoadState& s, const Directive& d) {
    auto& slot = slotOf(s, F);
    ensureUnset(slot, d);
    slot = flagArg(d);
}

template <auto F>
void stringSlot(LoadState& s, const Directive& d) {
    auto& slot = slotOf(s, F);
    ensureUnset(slot, d);
    slot = d.args[0];
}

// Several occurrences in one context add to the list; a server's list replaces the mail{} one.
template <auto F>
void listSlot(LoadState& s, const Directive& d) {
    auto& slot = slotOf(s, F);
    if (!slot) slot.emplace();
    slot->insert(slot->end(), d.args.begin(), d.args.end());
}

// "name value" pairs, repeatable (ngx_conf_set_keyval_slot).
template <auto F>
void pairSlot(LoadState& s, const Directive& d) {
    auto& slot = slotOf(s, F);
    if (!slot) slot.emplace();
    slot->emplace_back(d.args[0], d.args[1]);
}

struct MaskName {
    const char* name;
    unsigned bit;
};
constexpr MaskName kImapAuth[] = {{"plain", kAuthPlain},
                                  {"login", kAuthLogin},
                                  {"cram-md5", kAuthCramMd5},
                                  {"external", kAuthExternal},
                                  {}};
constexpr MaskName kPop3Auth[] = {
    {"plain", kAuthPlain}, {"apop", kAuthApop}, {"cram-md5", kAuthCramMd5}, {"external", kAuthExternal}, {}};
constexpr MaskName kSmtpAuth[] = {{"plain", kAuthPlain},      {"login", kAuthLogin},
                                  {"cram-md5", kAuthCramMd5}, {"external", kAuthExternal},
                                  {"none", kAuthNone},        {}};

constexpr MaskName kSslProtocols[] = {{"SSLv2", kSslV2},
                                      {"SSLv3", kSslV3},
                                      {"TLSv1", kTlsV1},
                                      {"TLSv1.1", kTlsV1_1},
                                      {"TLSv1.2", kTlsV1_2},
                                      {"TLSv1.3", kTlsV1_3},
                                      {}};

template <auto F, const MaskName* Names>
void maskSlot(LoadState& s, const Directive& d) {
    auto& slot = slotOf(s, F);
    unsigned mask = slot.value_or(0);
    for (const auto& arg : d.args) {
        const MaskName* m = Names;
        while (m->name && !equalsIgnoreCase(arg, m->name)) ++m;
        if (!m->name) fail(d, "invalid value " + quoted(arg));
        if (mask & m->bit) {
            s.notices.push_back(formatAt("warn", "duplicate value " + quoted(arg), d.where));
        }
        mask |= m->bit;
    }
    slot = mask;
}

// ---- main context

void daemonHandler(LoadState& s, const Directive& d) {
    onceInMain(s, d);
    s.main.daemon = flagArg(d);
}

void masterProcess(LoadState& s, const Directive& d) {
    onceInMain(s, d);
    s.main.masterProcess = flagArg(d);
}

void workerProcesses(LoadState& s, const Directive& d) {
    onceInMain(s, d);
    if (d.args[0] == "auto") {
        s.main.workerProcesses = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        return;
    }
    auto n = parseNumber(d.args[0]);
    if (!n) fail(d, quoted(d.name) + " directive invalid value");
    s.main.workerProcesses = static_cast<int>(*n);
}

void workerShutdownTimeout(LoadState& s, const Directive& d) {
    onceInMain(s, d);
    s.main.workerShutdownTimeout = timeArg(d);
}

void pidHandler(LoadState& s, const Directive& d) {
    onceInMain(s, d);
    s.main.pidFile = d.args[0];  // resolved against the prefix once loading is done
}

void userHandler(LoadState& s, const Directive& d) {
    onceInMain(s, d);
    s.main.user = d.args[0];
}

void workerRlimitNofile(LoadState& s, const Directive& d) {
    onceInMain(s, d);
    s.main.workerRlimitNofile = numberArg(d);
}

void envHandler(LoadState& s, const Directive& d) { s.main.env.push_back(d.args[0]); }

void loadModule(LoadState& s, const Directive& d) {
    if (s.modulesUsed) fail(d, "\"load_module\" directive is specified too late");
    s.notices.push_back(
        formatAt("notice", "\"load_module\" directive is ignored by mailwire-proxy", d.where));
}

ErrorLogSpec parseErrorLog(const LoadState& s, const Directive& d) {
    static const char* kLevels[] = {"debug", "info", "notice", "warn", "error", "crit", "alert", "emerg"};
    ErrorLogSpec log;
    const std::string& target = d.args[0];
    bool special = target == "stderr" || target.rfind("syslog:", 0) == 0 || target.rfind("memory:", 0) == 0;
    log.target = special || (!target.empty() && target[0] == '/') ? target : s.main.prefix + target;
    bool levelSet = false;
    for (size_t i = 1; i < d.args.size(); ++i) {
        const std::string& a = d.args[i];
        bool isLevel =
            std::any_of(std::begin(kLevels), std::end(kLevels), [&](const char* l) { return a == l; });
        if (isLevel) {
            if (levelSet) fail(d, "duplicate log level " + quoted(a));
            log.level = a;
            levelSet = true;
        } else if (a == "debug_core" || a == "debug_alloc" || a == "debug_mutex" || a == "debug_event" ||
                   a == "debug_http" || a == "debug_mail" || a == "debug_stream") {
            if (!levelSet) log.level = "debug";  // nginx: debug_* alone means level debug
        } else {
            fail(d, "invalid log level " + quoted(a));
        }
    }
    return log;
}

void errorLog(LoadState& s, const Directive& d) {
    ErrorLogSpec log = parseErrorLog(s, d);
    if (s.context() == kMainContext) {
        s.main.errorLogs.push_back(log);
    } else {
        s.draft().errorLogs.push_back(log);
        if (s.context() == kMailContext) s.main.mailErrorLogs.push_back(log);
    }
}

void eventsBlock(LoadState& s, const Directive& d) {
    onceInMain(s, d);
    s.eventsSeen = true;
    s.modulesUsed = true;
}

void notServed(LoadState&, const Directive& d) {
    fail(d, quoted(d.name) + " directive is not supported: mailwire-proxy serves mail only");
}

// ---- events

void workerConnections(LoadState& s, const Directive& d) {
    onceInMain(s, d);
    auto n = parseNumber(d.args[0]);
    if (!n) fail(d, "invalid number " + quoted(d.args[0]));
    s.main.workerConnections = static_cast<int>(*n);
}

void eventsFlag(LoadState&, const Directive& d) { flagArg(d); }  // validated, then ignored (epoll only)

void multiAccept(LoadState& s, const Directive& d) { s.main.multiAccept = flagArg(d); }

void eventsIgnored(LoadState&, const Directive&) {}

// ---- mail and server

void mailBlock(LoadState& s, const Directive& d) {
    if (s.mailSeen) duplicate(d);
    s.mailSeen = true;
    s.modulesUsed = true;
    s.mail.where = d.where;
}

void serverBlock(LoadState& s, const Directive& d) {
    ServerDraft server;
    server.where = d.where;
    s.servers.push_back(std::move(server));
}

void listen(LoadState& s, const Directive& d) {
    ServerDraft& server = s.draft();
    std::vector<ListenSpec> listens = parseListen(d);
    uint16_t port = listens.front().port;
    if (!server.protocol) {  // inferred only if no "protocol" came before this listen
        if (port == 110 || port == 995) server.protocol = Protocol::Pop3;
        if (port == 143 || port == 993) server.protocol = Protocol::Imap;
        if (port == 25 || port == 465 || port == 587) server.protocol = Protocol::Smtp;
    }
    for (const auto& ls : listens) {
        for (const auto& other : s.allListens) {
            if (other.text == ls.text) fail(d, "duplicate " + quoted(ls.text) + " address and port pair");
        }
        s.allListens.push_back(ls);
        server.listens.push_back(ls);
    }
    if (listens.front().ssl) {
        // The TLS checks at merge time name the last "listen ... ssl" of the server.
        server.ssl.listenSsl = true;
        server.ssl.tlsWhere = d.where;
    }
}

void protocol(LoadState& s, const Directive& d) {
    const std::string& p = d.args[0];
    if (p == "imap") {
        s.draft().protocol = Protocol::Imap;
    } else if (p == "pop3") {
        s.draft().protocol = Protocol::Pop3;
    } else if (p == "smtp") {
        s.draft().protocol = Protocol::Smtp;
    } else {
        fail(d, "unknown protocol " + quoted(p));
    }
}

void serverName(LoadState& s, const Directive& d) {
    auto& slot = s.draft().serverName;
    ensureUnset(slot, d);
    slot = d.args[0];
}

void resolver(LoadState& s, const Directive& d) {
    auto& slot = s.draft().resolverEnabled;
    ensureUnset(slot, d);
    slot = d.args[0] != "off";
    if (!*slot) return;  // nginx ignores anything after "off"
    std::string error = parseResolverArgs(d.args, s.draft().resolver);
    if (!error.empty()) fail(d, error);
}

void authHttp(LoadState& s, const Directive& d) {
    AuthHttpTarget target;
    std::string err = parseAuthHttpUrl(d.args[0], target);
    if (!err.empty()) fail(d, err);
    s.draft().authHttp = target;  // nginx does not call a second auth_http duplicate; the last one wins
}

void proxyProtocol(LoadState& s, const Directive& d) {
    static constexpr std::pair<const char*, ProxyProtocolOut> kValues[] = {
        {"off", ProxyProtocolOut::Off}, {"on", ProxyProtocolOut::V1}, {"v2", ProxyProtocolOut::V2}};
    auto& slot = s.draft().proxyProtocol;
    ensureUnset(slot, d);
    std::string canonical;
    slot = enumArg(d, kValues, canonical);
}

// ---- realip

void setRealIpFrom(LoadState& s, const Directive& d) {
    auto& slot = s.draft().setRealIpFrom;
    if (!slot) slot.emplace();
    const std::string& value = d.args[0];
    if (value == "unix:") {
        RealIpSource source;
        source.unixSocket = true;
        slot->push_back(source);
        return;
    }
    RealIpSource cidr;
    const CidrParse parsed = parseCidr(value, cidr);
    if (parsed != CidrParse::Invalid) {
        if (parsed == CidrParse::HostBitsCleared) {
            s.notices.push_back(
                formatAt("warn", "low address bits of " + value + " are meaningless", d.where));
        }
        slot->push_back(cidr);
        return;
    }
    // A host name: each of its addresses, exactly (IPv4 first, as ngx_inet_resolve_host lists them).
    std::vector<std::string> addresses = resolveHost(value);
    if (addresses.empty()) fail(d, "host not found in set_real_ip_from " + quoted(value));
    std::stable_partition(addresses.begin(), addresses.end(),
                          [](const std::string& a) { return a.find(':') == std::string::npos; });
    for (const auto& address : addresses) {
        RealIpSource exact;
        if (parseCidr(address, exact) == CidrParse::Exact) slot->push_back(exact);
    }
}

// ---- ssl

void starttls(LoadState& s, const Directive& d) {
    static constexpr std::pair<const char*, StartTls> kValues[] = {
        {"off", StartTls::Off}, {"on", StartTls::On}, {"only", StartTls::Only}};
    ServerDraft& draft = s.draft();
    ensureUnset(draft.starttls, d);
    std::string canonical;
    draft.starttls = enumArg(d, kValues, canonical);
    // Only against `ssl on` in this same context; mail{}'s `ssl on` with a server's starttls is accepted.
    if (draft.sslOn.value_or(false) && *draft.starttls != StartTls::Off)
        fail(d, "\"ssl\" directive conflicts with \"starttls\"");
    if (!draft.ssl.listenSsl) draft.ssl.tlsWhere = d.where;
}

// The deprecated `ssl on|off` (nginx 1.22, ngx_mail_ssl_enable; removed in 1.25.1): a flag that warns once
// its value is read, then refuses starttls on|only set earlier in this same context.
void sslEnable(LoadState& s, const Directive& d) {
    ServerDraft& draft = s.draft();
    ensureUnset(draft.sslOn, d);
    draft.sslOn = flagArg(d);
    s.notices.push_back(
        formatAt("warn", "the \"ssl\" directive is deprecated, use the \"listen ... ssl\" directive instead",
                 d.where));
    if (*draft.sslOn && draft.starttls.value_or(StartTls::Off) != StartTls::Off)
        fail(d, "\"starttls\" directive conflicts with \"ssl on\"");
    if (!draft.ssl.listenSsl) draft.ssl.tlsWhere = d.where;
}

void sslCertificate(LoadState& s, const Directive& d) {
    SslDraft& ssl = s.draft().ssl;
    if (!ssl.certificates) {
        ssl.certificates.emplace();
        ssl.certificatesWhere = d.where;
    }
    ssl.certificates->push_back(d.args[0]);
}

// nginx reads the password file while parsing; we check it opens here and leave reading it to the TLS
// engine, so a missing file still fails with nginx's message and position.
void sslPasswordFile(LoadState& s, const Directive& d) {
    auto& slot = s.draft().ssl.passwordFile;
    ensureUnset(slot, d);
    slot = d.args[0];
    const std::string& name = d.args[0];
    const std::string full = !name.empty() && name[0] == '/' ? name : s.confPrefix + name;
    const int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        fail(d,
             "open() " + quoted(full) + " failed (" + std::to_string(err) + ": " + std::strerror(err) + ")");
    }
    ::close(fd);
}

// off | none | [builtin[:size]] [shared:name:size], parsed as ngx_mail_ssl_session_cache does.
void sslSessionCache(LoadState& s, const Directive& d) {
    SslDraft& ssl = s.draft().ssl;
    auto invalid = [&](const std::string& value) { fail(d, "invalid session cache " + quoted(value)); };
    for (const auto& value : d.args) {
        if (value == "off") {
            ssl.builtinSessionCache = kSessionCacheOff;
        } else if (value == "none") {
            ssl.builtinSessionCache = kSessionCacheNone;
        } else if (value == "builtin") {
            ssl.builtinSessionCache = kSessionCacheDefaultSize;
        } else if (value.size() > 8 && value.compare(0, 8, "builtin:") == 0) {
            auto n = parseNumber(value.substr(8));
            if (!n) invalid(value);
            ssl.builtinSessionCache = static_cast<long>(*n);
        } else if (value.size() > 7 && value.compare(0, 7, "shared:") == 0) {
            const size_t colon = value.find(':', 7);
            if (colon == std::string::npos || colon == 7) invalid(value);
            auto size = parseSize(value.substr(colon + 1));
            if (!size) invalid(value);
            static const long kPage = ::sysconf(_SC_PAGESIZE);
            if (*size < 8 * kPage) fail(d, "session cache " + quoted(value) + " is too small");
            SharedSessionZone zone{value.substr(7, colon - 7), static_cast<size_t>(*size)};
            // Zones are global: one name, one size (ngx_shared_memory_add).
            auto [known, added] = s.sessionZones.emplace(zone.name, zone.size);
            if (!added && known->second != zone.size) {
                fail(d, "the size " + std::to_string(zone.size) + " of shared memory zone " +
                            quoted(zone.name) + " conflicts with already declared size " +
                            std::to_string(known->second));
            }
            ssl.sharedSessionCache = zone;
        } else {
            invalid(value);
        }
    }
    if (ssl.sharedSessionCache && !ssl.builtinSessionCache) ssl.builtinSessionCache = kSessionCacheNoBuiltin;
}

void sslVerifyClient(LoadState& s, const Directive& d) {
    static constexpr std::pair<const char*, VerifyClient> kValues[] = {
        {"off", VerifyClient::Off},
        {"on", VerifyClient::On},
        {"optional", VerifyClient::Optional},
        {"optional_no_ca", VerifyClient::OptionalNoCa}};
    auto& slot = s.draft().ssl.verifyClient;
    ensureUnset(slot, d);
    std::string canonical;
    slot = enumArg(d, kValues, canonical);
}

constexpr unsigned kMain = kMainContext;
constexpr unsigned kEvents = kEventsContext;
constexpr unsigned kMailOrServer = kMailContext | kServerContext;
constexpr int kMore = -1;

const DirectiveSpec kDirectives[] = {
    // main context
    {"daemon", kMain, 1, 1, kNoContext, daemonHandler},
    {"master_process", kMain, 1, 1, kNoContext, masterProcess},
    {"worker_processes", kMain, 1, 1, kNoContext, workerProcesses},
    {"worker_shutdown_timeout", kMain, 1, 1, kNoContext, workerShutdownTimeout},
    {"pid", kMain, 1, 1, kNoContext, pidHandler},
    {"user", kMain, 1, 2, kNoContext, userHandler},
    {"worker_rlimit_nofile", kMain, 1, 1, kNoContext, workerRlimitNofile},
    {"env", kMain, 1, 1, kNoContext, envHandler},
    {"load_module", kMain, 1, 1, kNoContext, loadModule},
    {"error_log", kMain | kMailOrServer, 1, kMore, kNoContext, errorLog},
    {"events", kMain, 0, 0, kEventsContext, eventsBlock},
    {"mail", kMain, 0, 0, kMailContext, mailBlock},
    {"http", kMain, 0, 0, kMainContext, notServed},
    {"stream", kMain, 0, 0, kMainContext, notServed},
    // events{}
    {"worker_connections", kEvents, 1, 1, kNoContext, workerConnections},
    {"use", kEvents, 1, 1, kNoContext, eventsIgnored},
    {"multi_accept", kEvents, 1, 1, kNoContext, multiAccept},
    {"accept_mutex", kEvents, 1, 1, kNoContext, eventsFlag},
    {"accept_mutex_delay", kEvents, 1, 1, kNoContext, eventsIgnored},
    {"debug_connection", kEvents, 1, 1, kNoContext, eventsIgnored},
    {"worker_aio_requests", kEvents, 1, 1, kNoContext, eventsIgnored},
    // mail{} core
    {"server", kMailContext, 0, 0, kServerContext, serverBlock},
    {"listen", kServerContext, 1, kMore, kNoContext, listen},
    {"protocol", kServerContext, 1, 1, kNoContext, protocol},
    {"server_name", kMailOrServer, 1, 1, kNoContext, serverName},
    {"timeout", kMailOrServer, 1, 1, kNoContext, timeSlot<&ServerDraft::timeout>},
    {"max_errors", kMailOrServer, 1, 1, kNoContext, numberSlot<&ServerDraft::maxErrors>},
    {"resolver", kMailOrServer, 1, kMore, kNoContext, resolver},
    {"resolver_timeout", kMailOrServer, 1, 1, kNoContext, timeSlot<&ServerDraft::resolverTimeout>},
    // imap, pop3, smtp
    {"imap_client_buffer", kMailOrServer, 1, 1, kNoContext, sizeSlot<&ServerDraft::imapClientBuffer>},
    {"imap_capabilities", kMailOrServer, 1, kMore, kNoContext, listSlot<&ServerDraft::imapCapabilities>},
    {"imap_auth", kMailOrServer, 1, kMore, kNoContext, maskSlot<&ServerDraft::imapAuth, kImapAuth>},
    {"pop3_capabilities", kMailOrServer, 1, kMore, kNoContext, listSlot<&ServerDraft::pop3Capabilities>},
    {"pop3_auth", kMailOrServer, 1, kMore, kNoContext, maskSlot<&ServerDraft::pop3Auth, kPop3Auth>},
    {"smtp_client_buffer", kMailOrServer, 1, 1, kNoContext, sizeSlot<&ServerDraft::smtpClientBuffer>},
    {"smtp_greeting_delay", kMailOrServer, 1, 1, kNoContext, timeSlot<&ServerDraft::smtpGreetingDelay>},
    {"smtp_capabilities", kMailOrServer, 1, kMore, kNoContext, listSlot<&ServerDraft::smtpCapabilities>},
    {"smtp_auth", kMailOrServer, 1, kMore, kNoContext, maskSlot<&ServerDraft::smtpAuth, kSmtpAuth>},
    // auth_http
    {"auth_http", kMailOrServer, 1, 1, kNoContext, authHttp},
    {"auth_http_timeout", kMailOrServer, 1, 1, kNoContext, timeSlot<&ServerDraft::authHttpTimeout>},
    {"auth_http_header", kMailOrServer, 2, 2, kNoContext, pairSlot<&ServerDraft::authHttpHeaders>},
    {"auth_http_pass_client_cert", kMailOrServer, 1, 1, kNoContext,
     flagSlot<&ServerDraft::authHttpPassClientCert>},
    // proxy
    {"proxy", kMailOrServer, 1, 1, kNoContext, flagSlot<&ServerDraft::proxy>},
    {"proxy_buffer", kMailOrServer, 1, 1, kNoContext, sizeSlot<&ServerDraft::proxyBuffer>},
    {"proxy_timeout", kMailOrServer, 1, 1, kNoContext, timeSlot<&ServerDraft::proxyTimeout>},
    {"proxy_pass_error_message", kMailOrServer, 1, 1, kNoContext,
     flagSlot<&ServerDraft::proxyPassErrorMessage>},
    {"proxy_protocol", kMailOrServer, 1, 1, kNoContext, proxyProtocol},
    {"proxy_smtp_auth", kMailOrServer, 1, 1, kNoContext, flagSlot<&ServerDraft::proxySmtpAuth>},
    {"xclient", kMailOrServer, 1, 1, kNoContext, flagSlot<&ServerDraft::xclient>},
    // realip
    {"set_real_ip_from", kMailOrServer, 1, 1, kNoContext, setRealIpFrom},
    // ssl
    {"starttls", kMailOrServer, 1, 1, kNoContext, starttls},
    {"ssl", kMailOrServer, 1, 1, kNoContext, sslEnable},
    {"ssl_certificate", kMailOrServer, 1, 1, kNoContext, sslCertificate},
    {"ssl_certificate_key", kMailOrServer, 1, 1, kNoContext, listSlot<&SslDraft::certificateKeys>},
    {"ssl_password_file", kMailOrServer, 1, 1, kNoContext, sslPasswordFile},
    {"ssl_certificate_compression", kMailOrServer, 1, 1, kNoContext,
     flagSlot<&SslDraft::certificateCompression>},
    {"ssl_dhparam", kMailOrServer, 1, 1, kNoContext, stringSlot<&SslDraft::dhparam>},
    {"ssl_ecdh_curve", kMailOrServer, 1, 1, kNoContext, stringSlot<&SslDraft::ecdhCurve>},
    {"ssl_protocols", kMailOrServer, 1, kMore, kNoContext, maskSlot<&SslDraft::protocols, kSslProtocols>},
    {"ssl_ciphers", kMailOrServer, 1, 1, kNoContext, stringSlot<&SslDraft::ciphers>},
    {"ssl_prefer_server_ciphers", kMailOrServer, 1, 1, kNoContext, flagSlot<&SslDraft::preferServerCiphers>},
    {"ssl_session_cache", kMailOrServer, 1, 2, kNoContext, sslSessionCache},
    {"ssl_session_tickets", kMailOrServer, 1, 1, kNoContext, flagSlot<&SslDraft::sessionTickets>},
    {"ssl_session_ticket_key", kMailOrServer, 1, 1, kNoContext, listSlot<&SslDraft::sessionTicketKeys>},
    {"ssl_session_timeout", kMailOrServer, 1, 1, kNoContext, secondsSlot<&SslDraft::sessionTimeout>},
    {"ssl_verify_client", kMailOrServer, 1, 1, kNoContext, sslVerifyClient},
    {"ssl_verify_depth", kMailOrServer, 1, 1, kNoContext, numberSlot<&SslDraft::verifyDepth>},
    {"ssl_client_certificate", kMailOrServer, 1, 1, kNoContext, stringSlot<&SslDraft::clientCertificate>},
    {"ssl_trusted_certificate", kMailOrServer, 1, 1, kNoContext, stringSlot<&SslDraft::trustedCertificate>},
    {"ssl_crl", kMailOrServer, 1, 1, kNoContext, stringSlot<&SslDraft::crl>},
    {"ssl_conf_command", kMailOrServer, 2, 2, kNoContext, pairSlot<&SslDraft::confCommands>},
};

}  // namespace

const DirectiveSpec* findDirective(const std::string& name) {
    for (const auto& spec : kDirectives) {
        if (name == spec.name) return &spec;
    }
    return nullptr;
}

}  // namespace mailwire::config
