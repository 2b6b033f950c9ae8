#include "tls/TlsContext.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "config/ConfigError.h"

namespace mailwire::tls {

std::string drainSslErrors() {
    std::string out = " (SSL:";
    const char* data = nullptr;
    int flags = 0;
    for (unsigned long code = ERR_peek_error_data(&data, &flags); code != 0;
         code = ERR_peek_error_data(&data, &flags)) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        out += ' ';
        out += text;
        if (data && *data && (flags & ERR_TXT_STRING)) {
            out += ':';
            out += data;
        }
        ERR_get_error();
    }
    return out + ")";
}

namespace {

[[noreturn]] void emerg(const std::string& message) {
    throw config::ConfigError("[emerg] " + message + drainSslErrors());
}

// nginx's "data:" values carry the PEM inline; anything else is a file.
BIO* openSource(const std::string& value, const char* what) {
    BIO* bio = value.rfind("data:", 0) == 0
                   ? BIO_new_mem_buf(value.data() + 5, static_cast<int>(value.size() - 5))
                   : BIO_new_file(value.c_str(), "r");
    if (!bio) emerg(std::string("cannot load ") + what + " \"" + value + "\": BIO_new_file() failed");
    return bio;
}

std::vector<std::string> readPasswords(const std::string& file) {
    std::vector<std::string> out;
    if (file.empty()) return out;
    std::ifstream in(file);
    if (!in) {
        ERR_clear_error();
        throw config::ConfigError("[emerg] open() \"" + file + "\" failed (2: No such file or directory)");
    }
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        out.push_back(line);
    }
    if (out.empty()) out.emplace_back();
    return out;
}

int passwordCallback(char* buf, int size, int, void* userdata) {
    const auto* password = static_cast<const std::string*>(userdata);
    if (!password || static_cast<int>(password->size()) > size) return 0;
    std::memcpy(buf, password->data(), password->size());
    return static_cast<int>(password->size());
}

void loadCertificate(SSL_CTX* ctx, const std::string& certFile, const std::string& keyFile,
                     const std::vector<std::string>& passwords) {
    BIO* bio = openSource(certFile, "certificate");
    X509* cert = PEM_read_bio_X509_AUX(bio, nullptr, nullptr, nullptr);
    if (!cert) {
        BIO_free(bio);
        emerg("cannot load certificate \"" + certFile + "\": PEM_read_bio_X509_AUX() failed");
    }
    if (SSL_CTX_use_certificate(ctx, cert) != 1) {
        X509_free(cert);
        BIO_free(bio);
        emerg("SSL_CTX_use_certificate(\"" + certFile + "\") failed");
    }
    X509_free(cert);
    // The rest of the file is this certificate's chain.
    for (X509* extra = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr); extra;
         extra = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
        if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
            X509_free(extra);
            BIO_free(bio);
            emerg("SSL_CTX_add0_chain_cert(\"" + certFile + "\") failed");
        }
    }
    ERR_clear_error();  // the loop ends on "no start line"
    BIO_free(bio);

    EVP_PKEY* key = nullptr;
    const std::vector<std::string> tries = passwords.empty() ? std::vector<std::string>{""} : passwords;
    for (const auto& password : tries) {
        BIO* keyBio = openSource(keyFile, "certificate key");
        key = PEM_read_bio_PrivateKey(keyBio, nullptr, passwordCallback,
                                      const_cast<std::string*>(passwords.empty() ? nullptr : &password));
        BIO_free(keyBio);
        if (key) break;
    }
    if (!key) emerg("cannot load certificate key \"" + keyFile + "\": PEM_read_bio_PrivateKey() failed");
    ERR_clear_error();
    if (SSL_CTX_use_PrivateKey(ctx, key) != 1) {
        EVP_PKEY_free(key);
        emerg("SSL_CTX_use_PrivateKey(\"" + keyFile + "\") failed");
    }
    EVP_PKEY_free(key);
}

void applyProtocols(SSL_CTX* ctx, unsigned protocols) {
    SSL_CTX_set_min_proto_version(ctx, 0);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    const std::pair<unsigned, uint64_t> off[] = {{config::kSslV3, SSL_OP_NO_SSLv3},
                                                 {config::kTlsV1, SSL_OP_NO_TLSv1},
                                                 {config::kTlsV1_1, SSL_OP_NO_TLSv1_1},
                                                 {config::kTlsV1_2, SSL_OP_NO_TLSv1_2},
                                                 {config::kTlsV1_3, SSL_OP_NO_TLSv1_3}};
    for (const auto& [bit, option] : off)
        if (!(protocols & bit)) SSL_CTX_set_options(ctx, option);
}

int acceptAnyCertificate(int, X509_STORE_CTX*) { return 1; }  // the session judges the result (spec 9.3)

void applyVerification(SSL_CTX* ctx, const config::SslSettings& ssl) {
    if (ssl.verifyClient == config::VerifyClient::Off) return;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, acceptAnyCertificate);
    SSL_CTX_set_verify_depth(ctx, ssl.verifyDepth);
    if (!ssl.clientCertificate.empty()) {
        if (SSL_CTX_load_verify_locations(ctx, ssl.clientCertificate.c_str(), nullptr) != 1)
            emerg("SSL_CTX_load_verify_locations(\"" + ssl.clientCertificate + "\") failed");
        STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ssl.clientCertificate.c_str());
        if (!names) emerg("SSL_load_client_CA_file(\"" + ssl.clientCertificate + "\") failed");
        SSL_CTX_set_client_CA_list(ctx, names);
    }
    if (!ssl.trustedCertificate.empty() &&
        SSL_CTX_load_verify_locations(ctx, ssl.trustedCertificate.c_str(), nullptr) != 1)
        emerg("SSL_CTX_load_verify_locations(\"" + ssl.trustedCertificate + "\") failed");
    if (!ssl.crl.empty()) {
        X509_STORE* store = SSL_CTX_get_cert_store(ctx);
        X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file());
        if (!lookup || X509_LOOKUP_load_file(lookup, ssl.crl.c_str(), X509_FILETYPE_PEM) != 1)
            emerg("X509_LOOKUP_load_file(\"" + ssl.crl + "\") failed");
        X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
    }
    ERR_clear_error();
}

void applySessionCache(SSL_CTX* ctx, const config::SslSettings& ssl) {
    const auto& cache = ssl.sessionCache;
    if (cache.mode == config::SslSessionCache::Off) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        return;
    }
    static const unsigned char kContext[] = "MAIL";
    SSL_CTX_set_session_id_context(ctx, kContext, sizeof kContext - 1);
    if (cache.mode == config::SslSessionCache::None) {
        // Pretend to support reuse without storing anything, as nginx does for old clients' sake.
        SSL_CTX_set_session_cache_mode(
            ctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_AUTO_CLEAR | SSL_SESS_CACHE_NO_INTERNAL_STORE);
        SSL_CTX_sess_set_cache_size(ctx, 1);
    } else {
        // builtin and shared both use OpenSSL's store: one worker's cache (see docs/tls.md).
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
        long size = cache.builtin ? cache.builtinSize : 0;
        if (!cache.sharedName.empty()) size += static_cast<long>(cache.sharedSize / 256);
        if (size > 0) SSL_CTX_sess_set_cache_size(ctx, size);
    }
    SSL_CTX_set_timeout(ctx, static_cast<long>(ssl.sessionTimeout.count() / 1000));
}

void applyConfCommands(SSL_CTX* ctx, const config::SslSettings& ssl) {
    if (ssl.confCommands.empty()) return;
    SSL_CONF_CTX* cctx = SSL_CONF_CTX_new();
    SSL_CONF_CTX_set_flags(cctx, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_SERVER | SSL_CONF_FLAG_CERTIFICATE |
                                     SSL_CONF_FLAG_SHOW_ERRORS);
    SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
    for (const auto& [name, value] : ssl.confCommands) {
        if (SSL_CONF_cmd(cctx, name.c_str(), value.c_str()) <= 0) {
            SSL_CONF_CTX_free(cctx);
            emerg("SSL_CONF_cmd(\"" + name + "\", \"" + value + "\") failed");
        }
    }
    SSL_CONF_CTX_finish(cctx);
    SSL_CONF_CTX_free(cctx);
}

}  // namespace

// Static callbacks with access to the context's private state.
struct ContextCallbacks {
    static int alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                    unsigned inlen, void*) {
        auto* self = static_cast<TlsContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
        unsigned char* selected = nullptr;
        if (SSL_select_next_proto(
                &selected, outlen, reinterpret_cast<const unsigned char*>(self->alpnWire_.data()),
                static_cast<unsigned>(self->alpnWire_.size()), in, inlen) != OPENSSL_NPN_NEGOTIATED)
            return SSL_TLSEXT_ERR_ALERT_FATAL;  // the client offered ALPN, but not our protocol
        *out = selected;
        return SSL_TLSEXT_ERR_OK;
    }

    // ssl_session_ticket_key files: 80 bytes (name, HMAC-SHA256 key, AES-256 key) or 48 (name, AES-128,
    // HMAC).
    static int ticketKey(SSL* ssl, unsigned char name[16], unsigned char* iv, EVP_CIPHER_CTX* cipher,
                         EVP_MAC_CTX* mac, int encrypt) {
        auto* self = static_cast<TlsContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
        const std::vector<unsigned char>* key = nullptr;
        if (encrypt) {
            key = &self->ticketKeys_.front();
            std::memcpy(name, key->data(), 16);
            if (RAND_bytes(iv, 16) != 1) return -1;
        } else {
            for (const auto& candidate : self->ticketKeys_)
                if (std::memcmp(name, candidate.data(), 16) == 0) key = &candidate;
            if (!key) return 0;
        }
        const bool big = key->size() == 80;
        const unsigned char* hmacKey = key->data() + (big ? 16 : 32);
        const unsigned char* aesKey = key->data() + (big ? 48 : 16);
        const EVP_CIPHER* algorithm = big ? EVP_aes_256_cbc() : EVP_aes_128_cbc();
        if (encrypt ? EVP_EncryptInit_ex(cipher, algorithm, nullptr, aesKey, iv) != 1
                    : EVP_DecryptInit_ex(cipher, algorithm, nullptr, aesKey, iv) != 1)
            return -1;
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
            OSSL_PARAM_construct_end()};
        if (EVP_MAC_init(mac, hmacKey, big ? 32 : 16, params) != 1) return -1;
        // Decrypting with an older key: ask the client to take a fresh ticket.
        return (!encrypt && key != &self->ticketKeys_.front()) ? 2 : 1;
    }
};

TlsContext::~TlsContext() {
    if (ctx_) SSL_CTX_free(ctx_);
}

std::shared_ptr<TlsContext> TlsContext::build(const config::ServerConfig& server) {
    const config::SslSettings& ssl = server.ssl;
    std::shared_ptr<TlsContext> self(new TlsContext());
    self->ctx_ = SSL_CTX_new(TLS_server_method());
    if (!self->ctx_) emerg("SSL_CTX_new() failed");
    SSL_CTX* ctx = self->ctx_;
    SSL_CTX_set_app_data(ctx, self.get());
    const std::string alpn = config::protocolName(server.protocol);
    self->alpnWire_ = std::string(1, static_cast<char>(alpn.size())) + alpn;

    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    applyProtocols(ctx, ssl.protocols ? ssl.protocols : (config::kTlsV1_2 | config::kTlsV1_3));

    const std::vector<std::string> passwords = readPasswords(ssl.passwordFile);
    for (size_t i = 0; i < ssl.certificates.size() && i < ssl.certificateKeys.size(); ++i)
        loadCertificate(ctx, ssl.certificates[i], ssl.certificateKeys[i], passwords);

    if (SSL_CTX_set_cipher_list(ctx, ssl.ciphers.c_str()) != 1)
        emerg("SSL_CTX_set_cipher_list(\"" + ssl.ciphers + "\") failed");
    if (ssl.preferServerCiphers) SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);

    if (!ssl.dhparam.empty()) {
        BIO* bio = openSource(ssl.dhparam, "DH parameters");
        EVP_PKEY* dh = PEM_read_bio_Parameters(bio, nullptr);
        BIO_free(bio);
        if (!dh || SSL_CTX_set0_tmp_dh_pkey(ctx, dh) != 1) {
            EVP_PKEY_free(dh);
            emerg("PEM_read_bio_Parameters(\"" + ssl.dhparam + "\") failed");
        }
    }
    if (ssl.ecdhCurve != "auto" && SSL_CTX_set1_curves_list(ctx, ssl.ecdhCurve.c_str()) != 1)
        emerg("SSL_CTX_set1_curves_list(\"" + ssl.ecdhCurve + "\") failed");

    applyVerification(ctx, ssl);
    applySessionCache(ctx, ssl);
    if (!ssl.sessionTickets) {
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    } else if (!ssl.sessionTicketKeys.empty()) {
        for (const auto& file : ssl.sessionTicketKeys) {
            // nginx reads these files when it merges the server: its errors point at the end of mail{}.
            std::ifstream in(file, std::ios::binary);
            if (!in)
                config::throwAt("open() \"" + file + "\" failed (2: No such file or directory)",
                                ssl.mergedAt);
            std::vector<unsigned char> key((std::istreambuf_iterator<char>(in)),
                                           std::istreambuf_iterator<char>());
            if (key.size() != 80 && key.size() != 48)
                config::throwAt("\"" + file + "\" must be 48 or 80 bytes", ssl.mergedAt);
            self->ticketKeys_.push_back(std::move(key));
        }
        SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ContextCallbacks::ticketKey);
    }
    SSL_CTX_set_alpn_select_cb(ctx, ContextCallbacks::alpn, nullptr);
    applyConfCommands(ctx, ssl);
    ERR_clear_error();
    return self;
}

std::shared_ptr<const TlsContexts> TlsContexts::build(const config::MainConfig& config) {
    auto contexts = std::make_shared<TlsContexts>();
    for (const auto& server : config.servers)
        if (server.tlsWanted()) contexts->contexts_[&server] = TlsContext::build(server);
    return contexts;
}

std::shared_ptr<TlsContext> TlsContexts::forServer(const config::ServerConfig* server) const {
    const auto found = contexts_.find(server);
    return found == contexts_.end() ? nullptr : found->second;
}

}  // namespace mailwire::tls
