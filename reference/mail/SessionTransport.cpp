// The session's transport before and around the mail dialogue: the incoming PROXY header and realip, the
// TLS handshake (implicit or after STARTTLS) with the client-certificate checks of spec 9.3, and the PROXY
// header the session sends to its backend. The mail dialogue itself is in Session.cpp.
#include <sys/socket.h>

#include "mail/RealIp.h"
#include "mail/Session.h"
#include "proxyproto/ProxyHeader.h"
#include "proxyproto/ProxyHeaderWriter.h"

namespace mailwire::mail {

void Session::readProxyHeader() {
    // nginx peeks once: the whole header must be in what has arrived, and only its bytes are consumed.
    char peeked[4096];
    core::ReadResult result = client_->peek(peeked, sizeof peeked);
    if (result.status == core::ReadResult::WouldBlock) return;
    if (result.status == core::ReadResult::Error) {
        logInfo(result.error);
        finish();
        return;
    }
    const size_t size = result.status == core::ReadResult::Data ? result.bytes : 0;
    const proxyproto::ParseResult header = proxyproto::parseProxyHeader(std::string_view(peeked, size));
    if (header.status != proxyproto::ParseResult::Ok) {
        if (!header.errorLog.empty()) logError(header.errorLog);
        finish();
        return;
    }
    result = client_->read(peeked, header.length);
    if (result.status != core::ReadResult::Data || result.bytes != header.length) {
        finish();
        return;
    }
    if (header.hasAddresses) {
        proxyHeaderHasAddresses_ = true;
        proxySourceIp_ = header.sourceIp;
        proxySourcePort_ = header.sourcePort;
        proxyDestinationIp_ = header.destinationIp;
        proxyDestinationPort_ = header.destinationPort;
        // realip: a trusted sender's PROXY source becomes the client, written as an address is (spec 10);
        // a source that is no address changes nothing.
        int family = 0;
        const std::string source = canonicalAddress(header.sourceIp, family);
        if (!source.empty() && peerIsTrusted(server_->setRealIpFrom, origin_.peerFamily, client_->peerIp())) {
            clientIp_ = source;
            clientPort_ = header.sourcePort;
            clientFamily_ = family;
        }
    }
    cancelTimer(timeoutTimer_);
    afterProxyHeader();
}

void Session::afterProxyHeader() {
    if (origin_.implicitTls && deps_.secure) {
        startTls(false);
        return;
    }
    beginProtocol();
}

void Session::startTls(bool afterStartTls) {
    startTlsPending_ = false;
    auto secured = deps_.secure(std::move(client_));
    tls_ = secured.get();
    client_ = std::move(secured);
    client_->setHandler(this);
    enter(Phase::TlsHandshake);
    tls::TlsConnection::HandshakeHooks hooks;
    if (afterStartTls) {
        // nginx turns to its STARTTLS state when the client's first handshake bytes arrive.
        // The pre-auth `timeout` keeps running through the handshake (spec 3.4).
        startTlsAwaitingHello_ = true;
        hooks.beforeFirstStep = [this] {
            startTlsAwaitingHello_ = false;
            usingStartTls_ = true;
            action_ = "in starttls state";
        };
    } else {
        action_ = "SSL handshaking";
        armPreAuthTimer();
    }
    hooks.done = [this, afterStartTls](const tls::HandshakeResult& result) {
        onHandshakeDone(result, afterStartTls);
    };
    tls_->startHandshake(std::move(hooks));
}

void Session::onHandshakeDone(const tls::HandshakeResult& result, bool afterStartTls) {
    if (!result.ok) {
        // A failed handshake closes the connection without a word to the client.
        log(result.level, result.error);
        finish();
        return;
    }
    if (!clientCertificateAccepted()) return;
    protocol_->setTlsActive(true);
    if (!afterStartTls) {
        beginProtocol();
        return;
    }
    // After STARTTLS the protocol starts over without a greeting (spec 9.2).
    enter(Phase::PreAuth);
    action_ = "in auth state";
    client_->setReadInterest(true);
    processClientInput();
}

// Spec 9.3: after every handshake, a certificate that failed verification, or a missing one under `on`.
bool Session::clientCertificateAccepted() {
    const config::VerifyClient mode = server_->ssl.verifyClient;
    if (mode == config::VerifyClient::Off) return true;
    const tls::TlsDetails& details = tls_->details();
    if (details.verifyResult != 0 && (mode != config::VerifyClient::OptionalNoCa ||
                                      !tls::verifyErrorAllowedWithoutCa(details.verifyResult))) {
        logInfo("client SSL certificate verify error: (" + std::to_string(details.verifyResult) + ":" +
                details.verifyError + ")");
        tls_->forgetSession();
        closeAfterWrite(protocol_->certificateErrorReply());
        return false;
    }
    if (mode == config::VerifyClient::On && !details.certificatePresented) {
        logInfo("client sent no required SSL certificate");
        tls_->forgetSession();
        closeAfterWrite(protocol_->noCertificateReply());
        return false;
    }
    return true;
}

std::string Session::proxyHeaderForBackend() const {
    if (server_->proxyProtocol == config::ProxyProtocolOut::V1)
        return proxyproto::proxyV1Header(clientFamily_, clientIp_, clientPort_, origin_.localIp,
                                         origin_.localPort);
    proxyproto::V2Endpoints endpoints;
    if (auto client = proxyproto::endpointFromText(clientIp_, clientPort_)) endpoints.client = *client;
    if (auto local = proxyproto::endpointFromText(origin_.localIp, origin_.localPort))
        endpoints.local = *local;
    if (!tls_) return proxyproto::proxyV2Header(endpoints, nullptr);
    const tls::TlsDetails& details = tls_->details();
    proxyproto::V2TlsInfo info;
    info.serverName = details.sni;
    info.alpn = details.alpn;
    info.version = details.protocol;
    info.cipher = details.cipher;
    info.commonName = details.commonName;
    info.clientCertificate = details.certificatePresented;
    info.certificateOnThisConnection = details.certificatePresented && !details.reused;
    info.verifyResult = details.certificatePresented ? static_cast<uint32_t>(details.verifyResult) : 1;
    info.signatureAlgorithm = details.serverSignatureAlgorithm;
    info.keyAlgorithm = details.serverKeyAlgorithm;
    return proxyproto::proxyV2Header(endpoints, &info);
}

}  // namespace mailwire::mail
