#include "tls/TlsConnection.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>

namespace mailwire::tls {

namespace {

constexpr size_t kCiphertextChunk = 16 * 1024 + 512;  // one full TLS record

// Handshake failures a client can cause are logged at info, the rest at crit (as nginx sorts them).
bool clientCaused(unsigned long code) {
    if (ERR_GET_LIB(code) != ERR_LIB_SSL) return false;
    const int reason = ERR_GET_REASON(code);
    if (reason >= SSL_AD_REASON_OFFSET) return true;  // an alert the client sent
    switch (reason) {
        case SSL_R_BAD_CHANGE_CIPHER_SPEC:
        case SSL_R_BLOCK_CIPHER_PAD_IS_WRONG:
        case SSL_R_DIGEST_CHECK_FAILED:
        case SSL_R_ERROR_IN_RECEIVED_CIPHER_LIST:
        case SSL_R_EXCESSIVE_MESSAGE_SIZE:
        case SSL_R_LENGTH_MISMATCH:
        case SSL_R_NO_CIPHERS_SPECIFIED:
        case SSL_R_NO_COMPRESSION_SPECIFIED:
        case SSL_R_NO_SHARED_CIPHER:
        case SSL_R_RECORD_LENGTH_MISMATCH:
        case SSL_R_CLIENTHELLO_TLSEXT:
        case SSL_R_PARSE_TLSEXT:
        case SSL_R_NO_SUITABLE_KEY_SHARE:
        case SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM:
        case SSL_R_UNEXPECTED_MESSAGE:
        case SSL_R_UNEXPECTED_RECORD:
        case SSL_R_UNKNOWN_ALERT_TYPE:
        case SSL_R_UNKNOWN_PROTOCOL:
        case SSL_R_UNSAFE_LEGACY_RENEGOTIATION_DISABLED:
        case SSL_R_UNSUPPORTED_PROTOCOL:
        case SSL_R_VERSION_TOO_LOW:
        case SSL_R_WRONG_VERSION_NUMBER:
        case SSL_R_BAD_KEY_SHARE:
        case SSL_R_HTTPS_PROXY_REQUEST:
        case SSL_R_HTTP_REQUEST:
        case SSL_R_CALLBACK_FAILED:
        case SSL_R_NO_APPLICATION_PROTOCOL:
        case SSL_R_BAD_RECORD_TYPE:
        case SSL_R_PACKET_LENGTH_TOO_LONG:
        case SSL_R_RECORD_TOO_SMALL:
        case SSL_R_SSL3_SESSION_ID_TOO_LONG:
        case SSL_R_INAPPROPRIATE_FALLBACK:
        case SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC:
        case SSL_R_BAD_PACKET:
        case SSL_R_BAD_LENGTH:
            return true;
        default:
            return false;
    }
}

std::string nameText(X509_NAME* name) {
    BIO* bio = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<size_t>(n));
    BIO_free(bio);
    return out;
}

}  // namespace

bool verifyErrorAllowedWithoutCa(long result) {
    switch (result) {
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_CERT_UNTRUSTED:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return true;
        default:
            return false;
    }
}

TlsConnection::TlsConnection(std::unique_ptr<core::Connection> transport, std::shared_ptr<TlsContext> context,
                             core::Timers& timers)
    : transport_(std::move(transport)),
      context_(std::move(context)),
      timers_(timers),
      alive_(std::make_shared<bool>(true)) {
    ssl_ = SSL_new(context_->native());
    readBio_ = BIO_new(BIO_s_mem());
    writeBio_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(readBio_, -1);  // an empty read BIO means "wait", not EOF
    SSL_set_bio(ssl_, readBio_, writeBio_);
    SSL_set_accept_state(ssl_);
    transport_->setHandler(this);
}

TlsConnection::~TlsConnection() {
    *alive_ = false;
    if (notifyTimer_) timers_.cancelTimer(notifyTimer_);
    transport_->setHandler(nullptr);
    SSL_free(ssl_);
}

void TlsConnection::startHandshake(HandshakeHooks hooks) {
    hooks_ = std::move(hooks);
    state_ = State::Handshaking;
    transport_->setReadInterest(true);
}

void TlsConnection::forgetSession() {
    SSL_SESSION* session = SSL_get_session(ssl_);
    if (session) SSL_CTX_remove_session(context_->native(), session);
}

void TlsConnection::onReadable() {
    if (state_ == State::Handshaking) {
        const core::ReadResult result = pullCiphertext();
        switch (result.status) {
            case core::ReadResult::WouldBlock:
                return;
            case core::ReadResult::Eof:
                failHandshake({false, core::LogLevel::Info, "peer closed connection in SSL handshake"});
                return;
            case core::ReadResult::Error:
                failHandshake({false, core::LogLevel::Info, result.error});
                return;
            case core::ReadResult::Data: {
                std::weak_ptr<bool> alive = alive_;
                if (firstStep_) {
                    firstStep_ = false;
                    if (hooks_.beforeFirstStep) hooks_.beforeFirstStep();
                }
                if (alive.lock() && state_ == State::Handshaking) stepHandshake();
                return;
            }
        }
    }
    if (state_ == State::Established && wantRead_ && handler_) handler_->onReadable();
}

void TlsConnection::onWriteDrained() {
    if (state_ == State::Established && handler_) handler_->onWriteDrained();
}

void TlsConnection::onWriteFailed(const std::string& error) {
    if (state_ == State::Handshaking) {
        failHandshake({false, core::LogLevel::Info, error});
        return;
    }
    if (handler_) handler_->onWriteFailed(error);
}

core::ReadResult TlsConnection::pullCiphertext() {
    char chunk[kCiphertextChunk];
    core::ReadResult result = transport_->read(chunk, sizeof chunk);
    if (result.status == core::ReadResult::Data) BIO_write(readBio_, chunk, static_cast<int>(result.bytes));
    return result;
}

void TlsConnection::pushCiphertext() {
    char* data = nullptr;
    const long pending = BIO_get_mem_data(writeBio_, &data);
    if (pending <= 0) return;
    const std::string_view bytes(data, static_cast<size_t>(pending));
    std::string copy(bytes);  // the transport may call back into us; the BIO must be empty by then
    (void)BIO_reset(writeBio_);
    transport_->write(copy);
}

void TlsConnection::stepHandshake() {
    ERR_clear_error();
    const int rc = SSL_do_handshake(ssl_);
    std::weak_ptr<bool> alive = alive_;
    pushCiphertext();
    if (!alive.lock()) return;
    if (rc == 1) {
        state_ = State::Established;
        collectDetails();
        transport_->setReadInterest(wantRead_);
        auto done = std::move(hooks_.done);
        hooks_ = {};
        if (done) done({true, core::LogLevel::Info, {}});
        if (alive.lock() && state_ == State::Established && hasBufferedInput()) notifyBufferedLater();
        return;
    }
    const int error = SSL_get_error(ssl_, rc);
    if (error == SSL_ERROR_WANT_READ) return;
    const unsigned long code = ERR_peek_last_error();
    const core::LogLevel level = clientCaused(code) ? core::LogLevel::Info : core::LogLevel::Crit;
    failHandshake({false, level, "SSL_do_handshake() failed" + drainSslErrors()});
}

void TlsConnection::failHandshake(HandshakeResult result) {
    state_ = State::Failed;
    transport_->setReadInterest(false);
    auto done = std::move(hooks_.done);
    hooks_ = {};
    if (done) done(result);
}

void TlsConnection::collectDetails() {
    details_.protocol = SSL_get_version(ssl_);
    details_.cipher = SSL_CIPHER_get_name(SSL_get_current_cipher(ssl_));
    const unsigned char* alpn = nullptr;
    unsigned alpnLength = 0;
    SSL_get0_alpn_selected(ssl_, &alpn, &alpnLength);
    if (alpn) details_.alpn.assign(reinterpret_cast<const char*>(alpn), alpnLength);
    const char* sni = SSL_get_servername(ssl_, TLSEXT_NAMETYPE_host_name);
    if (sni) details_.sni = sni;
    details_.reused = SSL_session_reused(ssl_) == 1;

    if (X509* own = SSL_get_certificate(ssl_)) {
        details_.serverSignatureAlgorithm = OBJ_nid2sn(X509_get_signature_nid(own));
        if (EVP_PKEY* key = X509_get0_pubkey(own))
            details_.serverKeyAlgorithm =
                std::string(OBJ_nid2sn(EVP_PKEY_get_base_id(key))) + std::to_string(EVP_PKEY_get_bits(key));
    }

    X509* cert = SSL_get1_peer_certificate(ssl_);
    details_.certificatePresented = cert != nullptr;
    details_.verifyResult = SSL_get_verify_result(ssl_);
    if (!cert) {
        details_.verify = "NONE";
        return;
    }
    details_.verifyError = X509_verify_cert_error_string(details_.verifyResult);
    details_.verify = details_.verifyResult == X509_V_OK
                          ? "SUCCESS"
                          : std::string("FAILED:") + X509_verify_cert_error_string(details_.verifyResult);
    details_.subject = nameText(X509_get_subject_name(cert));
    details_.issuer = nameText(X509_get_issuer_name(cert));

    BIO* serial = BIO_new(BIO_s_mem());
    i2a_ASN1_INTEGER(serial, X509_get_serialNumber(cert));
    char* serialText = nullptr;
    const long serialLength = BIO_get_mem_data(serial, &serialText);
    details_.serial.assign(serialText, static_cast<size_t>(serialLength));
    BIO_free(serial);

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned digestLength = 0;
    X509_digest(cert, EVP_sha1(), digest, &digestLength);
    static const char kHex[] = "0123456789abcdef";
    for (unsigned i = 0; i < digestLength; ++i) {
        details_.fingerprint += kHex[digest[i] >> 4];
        details_.fingerprint += kHex[digest[i] & 15];
    }

    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    details_.pem.assign(data, static_cast<size_t>(n));
    BIO_free(bio);

    char cn[256] = {};
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn) > 0)
        details_.commonName = cn;
    X509_free(cert);
}

core::ReadResult TlsConnection::read(char* into, size_t capacity) {
    core::ReadResult result;
    if (state_ == State::Closed || state_ == State::Failed) {
        result.status = core::ReadResult::Eof;
        return result;
    }
    if (state_ != State::Established || capacity == 0) return result;  // WouldBlock
    std::weak_ptr<bool> alive = alive_;
    for (;;) {
        ERR_clear_error();
        const int n = SSL_read(ssl_, into, static_cast<int>(std::min<size_t>(capacity, 1 << 30)));
        pushCiphertext();  // post-handshake messages (tickets, key updates) go out at once
        if (!alive.lock()) return result;
        if (n > 0) {
            result.status = core::ReadResult::Data;
            result.bytes = static_cast<size_t>(n);
            if (hasBufferedInput()) notifyBufferedLater();
            return result;
        }
        const int error = SSL_get_error(ssl_, n);
        if (error == SSL_ERROR_WANT_READ) {
            const core::ReadResult more = pullCiphertext();
            if (more.status == core::ReadResult::Data) continue;
            return more;  // WouldBlock, Eof (without close_notify), or Error
        }
        if (error == SSL_ERROR_ZERO_RETURN) {
            result.status = core::ReadResult::Eof;
            return result;
        }
        result.status = core::ReadResult::Error;
        result.error = "SSL_read() failed" + drainSslErrors();
        return result;
    }
}

void TlsConnection::write(std::string_view bytes) {
    if (state_ != State::Established || bytes.empty()) return;
    ERR_clear_error();
    while (!bytes.empty()) {
        const int chunk = static_cast<int>(std::min<size_t>(bytes.size(), 1 << 30));
        const int n = SSL_write(ssl_, bytes.data(), chunk);
        if (n <= 0) break;  // a memory BIO takes everything; anything else is a dead connection
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    pushCiphertext();
}

void TlsConnection::setReadInterest(bool wanted) {
    wantRead_ = wanted;
    if (state_ == State::Handshaking) return;  // the handshake reads regardless
    transport_->setReadInterest(wanted);
    if (wanted && state_ == State::Established && hasBufferedInput()) notifyBufferedLater();
}

bool TlsConnection::hasBufferedInput() const {
    return SSL_pending(ssl_) > 0 || BIO_ctrl_pending(readBio_) > 0;
}

// Bytes already inside OpenSSL make no socket event: tell the handler on the next turn of the loop.
void TlsConnection::notifyBufferedLater() {
    if (notifyTimer_ != 0) return;
    notifyTimer_ = timers_.addTimer(core::Millis(0), [this] {
        notifyTimer_ = 0;
        if (state_ == State::Established && wantRead_ && handler_ && hasBufferedInput())
            handler_->onReadable();
    });
}

void TlsConnection::close() {
    if (state_ == State::Closed) return;
    if (state_ == State::Established) {
        ERR_clear_error();
        if (SSL_shutdown(ssl_) >= 0) pushCiphertext();
        ERR_clear_error();
    }
    state_ = State::Closed;
    if (notifyTimer_) timers_.cancelTimer(notifyTimer_);
    notifyTimer_ = 0;
    transport_->close();
}

}  // namespace mailwire::tls
