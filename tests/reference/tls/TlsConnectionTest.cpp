// TlsConnection over a scripted transport, against an in-memory OpenSSL client: handshake, data both ways,
// bytes left inside OpenSSL, failures and their log lines, ALPN as nginx negotiates it for mail.
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "config/ConfigError.h"
#include "mocks/FakeConnection.h"
#include "mocks/ManualTimers.h"
#include "tls/TlsConnection.h"

namespace mailwire::tls {
namespace {

std::string pemOf(EVP_PKEY* key) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<size_t>(n));
    BIO_free(bio);
    return out;
}

std::string pemOf(X509* cert) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<size_t>(n));
    BIO_free(bio);
    return out;
}

// A self-signed P-256 certificate: fast to make, enough for the server side of a handshake.
struct TestCertificate {
    std::string certPem, keyPem;
    TestCertificate() {
        EVP_PKEY* key = EVP_EC_gen("P-256");
        X509* cert = X509_new();
        ASN1_INTEGER_set(X509_get_serialNumber(cert), 0x1001);
        X509_gmtime_adj(X509_getm_notBefore(cert), -60);
        X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
        X509_set_pubkey(cert, key);
        X509_NAME* name = X509_get_subject_name(cert);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("mail.example.test"), -1, -1, 0);
        X509_set_issuer_name(cert, name);
        X509_sign(cert, key, EVP_sha256());
        certPem = pemOf(cert);
        keyPem = pemOf(key);
        X509_free(cert);
        EVP_PKEY_free(key);
    }
};

const TestCertificate& certificate() {
    static const TestCertificate made;
    return made;
}

config::ServerConfig tlsServer() {
    config::ServerConfig server;
    server.protocol = config::Protocol::Imap;
    server.starttls = config::StartTls::On;
    server.ssl.certificates = {"data:" + certificate().certPem};
    server.ssl.certificateKeys = {"data:" + certificate().keyPem};
    return server;
}

// Records what the session side would hear.
struct Listener : core::ConnectionHandler {
    int readable = 0;
    void onReadable() override { ++readable; }
};

class TlsConnectionTest : public ::testing::Test {
  protected:
    void SetUp() override {
        context_ = TlsContext::build(tlsServer());
        auto transport = std::make_unique<testing::FakeConnection>();
        transport_ = transport.get();
        tls_ = std::make_unique<TlsConnection>(std::move(transport), context_, timers_);
        tls_->setHandler(&listener_);

        clientCtx_ = SSL_CTX_new(TLS_client_method());
        client_ = SSL_new(clientCtx_);
        toServer_ = BIO_new(BIO_s_mem());
        fromServer_ = BIO_new(BIO_s_mem());
        SSL_set_bio(client_, fromServer_, toServer_);
        SSL_set_connect_state(client_);
    }
    void TearDown() override {
        tls_.reset();
        SSL_free(client_);
        SSL_CTX_free(clientCtx_);
    }

    void startHandshake() {
        TlsConnection::HandshakeHooks hooks;
        hooks.beforeFirstStep = [this] { ++beforeFirstStep_; };
        hooks.done = [this](const HandshakeResult& result) {
            finished_ = true;
            result_ = result;
        };
        tls_->startHandshake(std::move(hooks));
    }

    // Moves bytes both ways until neither side has anything more to say.
    void pump() {
        for (int round = 0; round < 20; ++round) {
            SSL_do_handshake(client_);
            bool moved = false;
            char buffer[32768];
            for (int n; (n = BIO_read(toServer_, buffer, sizeof buffer)) > 0;) {
                transport_->peerSends(std::string(buffer, static_cast<size_t>(n)));
                moved = true;
            }
            transport_->deliver();
            const std::string back = transport_->takeWritten();
            if (!back.empty()) {
                BIO_write(fromServer_, back.data(), static_cast<int>(back.size()));
                moved = true;
            }
            if (!moved) return;
        }
    }

    std::string clientReads() {
        std::string out;
        char buffer[4096];
        for (int n; (n = SSL_read(client_, buffer, sizeof buffer)) > 0;)
            out.append(buffer, static_cast<size_t>(n));
        return out;
    }

    void clientSends(const std::string& text) {
        SSL_write(client_, text.data(), static_cast<int>(text.size()));
        char buffer[32768];
        for (int n; (n = BIO_read(toServer_, buffer, sizeof buffer)) > 0;)
            transport_->peerSends(std::string(buffer, static_cast<size_t>(n)));
    }

    testing::ManualTimers timers_;
    std::shared_ptr<TlsContext> context_;
    testing::FakeConnection* transport_ = nullptr;
    std::unique_ptr<TlsConnection> tls_;
    Listener listener_;
    SSL_CTX* clientCtx_ = nullptr;
    SSL* client_ = nullptr;
    BIO* toServer_ = nullptr;
    BIO* fromServer_ = nullptr;
    int beforeFirstStep_ = 0;
    bool finished_ = false;
    HandshakeResult result_;
};

TEST_F(TlsConnectionTest, HandshakeThenDataBothWays) {
    startHandshake();
    pump();
    ASSERT_TRUE(finished_);
    EXPECT_TRUE(result_.ok);
    EXPECT_EQ(beforeFirstStep_, 1);
    EXPECT_EQ(tls_->details().protocol, "TLSv1.3");
    EXPECT_FALSE(tls_->details().cipher.empty());
    EXPECT_EQ(tls_->details().verify, "NONE");
    EXPECT_EQ(tls_->details().alpn, "");

    tls_->write("* OK IMAP4 ready\r\n");
    pump();
    EXPECT_EQ(clientReads(), "* OK IMAP4 ready\r\n");

    clientSends("a1 NOOP\r\n");
    tls_->setReadInterest(true);
    transport_->deliver();
    EXPECT_GE(listener_.readable, 1);
    char buffer[64];
    const core::ReadResult got = tls_->read(buffer, sizeof buffer);
    ASSERT_EQ(got.status, core::ReadResult::Data);
    EXPECT_EQ(std::string(buffer, got.bytes), "a1 NOOP\r\n");
    EXPECT_EQ(tls_->read(buffer, sizeof buffer).status, core::ReadResult::WouldBlock);
}

TEST_F(TlsConnectionTest, BytesLeftInsideOpenSslAreAnnouncedOnTheNextTurn) {
    startHandshake();
    pump();
    ASSERT_TRUE(result_.ok);
    clientSends("a1 NOOP\r\na2 NOOP\r\n");
    transport_->deliver();
    char buffer[4];
    ASSERT_EQ(tls_->read(buffer, sizeof buffer).status, core::ReadResult::Data);
    // The socket has nothing more; the rest of the record waits in OpenSSL: a deferred readable event.
    const int before = listener_.readable;
    timers_.advance(core::Millis(0));
    EXPECT_EQ(listener_.readable, before + 1);
}

TEST_F(TlsConnectionTest, PlaintextClientFailsTheHandshakeAtInfo) {
    startHandshake();
    transport_->peerSends("a1 CAPABILITY\r\n");
    transport_->deliver();
    ASSERT_TRUE(finished_);
    EXPECT_FALSE(result_.ok);
    EXPECT_EQ(result_.level, core::LogLevel::Info);
    EXPECT_NE(result_.error.find("SSL_do_handshake() failed (SSL: error:"), std::string::npos)
        << result_.error;
    EXPECT_NE(result_.error.find("wrong version number"), std::string::npos) << result_.error;
}

TEST_F(TlsConnectionTest, ClientLeavingMidHandshake) {
    startHandshake();
    transport_->peerCloses();
    transport_->deliver();
    ASSERT_TRUE(finished_);
    EXPECT_FALSE(result_.ok);
    EXPECT_EQ(result_.error, "peer closed connection in SSL handshake");
}

TEST_F(TlsConnectionTest, AlpnOfferedWithoutTheProtocolIsFatal) {
    static const unsigned char kHttp[] = "\x08http/1.1";
    SSL_set_alpn_protos(client_, kHttp, sizeof kHttp - 1);
    startHandshake();
    pump();
    ASSERT_TRUE(finished_);
    EXPECT_FALSE(result_.ok);
    EXPECT_NE(result_.error.find("no application protocol"), std::string::npos) << result_.error;
}

TEST_F(TlsConnectionTest, AlpnForMailIsNegotiated) {
    static const unsigned char kOffer[] = "\x08http/1.1\x04imap";
    SSL_set_alpn_protos(client_, kOffer, sizeof kOffer - 1);
    startHandshake();
    pump();
    ASSERT_TRUE(result_.ok);
    EXPECT_EQ(tls_->details().alpn, "imap");
}

TEST_F(TlsConnectionTest, CloseSendsCloseNotify) {
    startHandshake();
    pump();
    ASSERT_TRUE(result_.ok);
    tls_->close();
    const std::string alert = transport_->takeWritten();
    BIO_write(fromServer_, alert.data(), static_cast<int>(alert.size()));
    char buffer[16];
    EXPECT_EQ(SSL_read(client_, buffer, sizeof buffer), 0);
    EXPECT_EQ(SSL_get_error(client_, 0), SSL_ERROR_ZERO_RETURN);
    EXPECT_TRUE(transport_->closed());
}

TEST(TlsContextTest, MissingCertificateFileIsAnEmergWithOpenSslsReason) {
    config::ServerConfig server = tlsServer();
    server.ssl.certificates = {"/nonexistent/cert.pem"};
    try {
        TlsContext::build(server);
        FAIL() << "expected a ConfigError";
    } catch (const config::ConfigError& e) {
        const std::string text = e.what();
        EXPECT_EQ(
            text.rfind(
                "[emerg] cannot load certificate \"/nonexistent/cert.pem\": BIO_new_file() failed (SSL:", 0),
            0u)
            << text;
    }
}

TEST(TlsContextTest, TicketKeyOfTheWrongSizePointsAtTheEndOfMail) {
    char path[] = "/tmp/mailwire-ticket-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, "23 bytes, not 48 or 80.", 23), 23);
    close(fd);
    config::ServerConfig server = tlsServer();
    server.ssl.sessionTicketKeys = {path};
    server.ssl.mergedAt = {"/etc/mail.conf", 19};
    try {
        TlsContext::build(server);
        FAIL() << "expected a ConfigError";
    } catch (const config::ConfigError& e) {
        EXPECT_EQ(std::string(e.what()),
                  std::string("[emerg] \"") + path + "\" must be 48 or 80 bytes in /etc/mail.conf:19");
    }
    unlink(path);
}

TEST(TlsContextTest, BadCipherListIsRefused) {
    config::ServerConfig server = tlsServer();
    server.ssl.ciphers = "NOT-A-CIPHER";
    EXPECT_THROW(TlsContext::build(server), config::ConfigError);
}

}  // namespace
}  // namespace mailwire::tls
