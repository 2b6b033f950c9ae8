// core::Connection over TLS: OpenSSL with memory BIOs on top of another core::Connection (the TCP one),
// so handshakes, reads and writes run inside the event loop and the session keeps talking to a Connection.
#pragma once

#include <openssl/ssl.h>

#include <functional>
#include <memory>
#include <string>

#include "core/Connection.h"
#include "core/Log.h"
#include "core/Timers.h"
#include "tls/TlsContext.h"

namespace mailwire::tls {

// What the auth_http request and the log learn of a finished handshake (spec 7.2).
struct TlsDetails {
    std::string protocol;  // "TLSv1.3"
    std::string cipher;    // "TLS_AES_256_GCM_SHA384"
    std::string alpn;      // negotiated ALPN id, empty if none
    std::string sni;
    bool reused = false;
    bool certificatePresented = false;
    long verifyResult = 0;    // X509_V_OK or the error
    std::string verifyError;  // X509_verify_cert_error_string(verifyResult)
    std::string verify;       // "SUCCESS", "FAILED:<reason>", "NONE"
    std::string subject;      // RFC 2253
    std::string issuer;       // RFC 2253
    std::string serial;       // uppercase hex
    std::string fingerprint;  // SHA-1, 40 lowercase hex digits
    std::string pem;          // the client certificate as PEM
    std::string commonName;
    // The proxy's own certificate, for the PROXY v2 SSL TLV: "RSA-SHA256", "RSA2048".
    std::string serverSignatureAlgorithm, serverKeyAlgorithm;
};

struct HandshakeResult {
    bool ok = false;
    core::LogLevel level = core::LogLevel::Info;  // for a failure's log line
    std::string error;                            // "SSL_do_handshake() failed (SSL: ...)", ...
};

// ssl_verify_client optional_no_ca lets these verification errors through (spec 9.3).
bool verifyErrorAllowedWithoutCa(long result);

class TlsConnection : public core::Connection, private core::ConnectionHandler {
  public:
    using HandshakeDone = std::function<void(const HandshakeResult&)>;

    // `timers` posts a deferred readable notification when decrypted bytes wait inside OpenSSL while the
    // socket itself has nothing more to say.
    TlsConnection(std::unique_ptr<core::Connection> transport, std::shared_ptr<TlsContext> context,
                  core::Timers& timers);
    ~TlsConnection() override;
    TlsConnection(const TlsConnection&) = delete;
    TlsConnection& operator=(const TlsConnection&) = delete;

    // Server side. `beforeFirstStep` runs once when the client's first handshake bytes arrive (nginx's
    // STARTTLS state begins there); `done` when it finished or failed. Neither runs from inside this call.
    struct HandshakeHooks {
        std::function<void()> beforeFirstStep;
        HandshakeDone done;
    };
    void startHandshake(HandshakeHooks hooks);
    const TlsDetails& details() const { return details_; }
    // The session is not to be resumed (a client certificate failed verification).
    void forgetSession();

    // core::Connection
    void setHandler(core::ConnectionHandler* handler) override { handler_ = handler; }
    core::ReadResult read(char* into, size_t capacity) override;
    void write(std::string_view bytes) override;
    size_t pendingWrite() const override { return transport_->pendingWrite(); }
    void setReadInterest(bool wanted) override;
    void close() override;  // sends close_notify when it can, then closes
    std::string peerIp() const override { return transport_->peerIp(); }
    std::string peerText() const override { return transport_->peerText(); }
    core::ReadResult peek(char* into, size_t capacity) override { return transport_->peek(into, capacity); }

  private:
    enum class State { Idle, Handshaking, Established, Failed, Closed };

    // transport events
    void onReadable() override;
    void onWriteDrained() override;
    void onWriteFailed(const std::string& error) override;

    core::ReadResult pullCiphertext();  // one transport read into the read BIO
    void pushCiphertext();              // the write BIO's bytes to the transport
    void stepHandshake();
    void failHandshake(HandshakeResult result);
    void collectDetails();
    bool hasBufferedInput() const;
    void notifyBufferedLater();

    std::unique_ptr<core::Connection> transport_;
    std::shared_ptr<TlsContext> context_;
    core::Timers& timers_;
    SSL* ssl_ = nullptr;
    BIO* readBio_ = nullptr;   // owned by ssl_
    BIO* writeBio_ = nullptr;  // owned by ssl_
    State state_ = State::Idle;
    bool wantRead_ = true;
    bool firstStep_ = true;
    core::ConnectionHandler* handler_ = nullptr;
    HandshakeHooks hooks_;
    TlsDetails details_;
    core::TimerId notifyTimer_ = 0;
    std::shared_ptr<bool> alive_;
};

}  // namespace mailwire::tls
