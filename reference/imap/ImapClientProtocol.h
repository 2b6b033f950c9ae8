// The IMAP client side before login (spec 4), as a pure state machine over nginx's fixed-size client buffer.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "config/MailConfig.h"
#include "core/CommandBuffer.h"
#include "imap/ImapCapabilities.h"
#include "imap/ImapParser.h"
#include "imap/ImapReplies.h"
#include "mail/ClientProtocol.h"
#include "sasl/SaslExchange.h"

namespace mailwire::imap {

class ImapClientProtocol : public mail::ClientProtocol {
  public:
    // `makeSalt` returns the whole "<R.T@server_name>" string; it is called once, on the first CRAM-MD5.
    // `capabilities`: the lines built once for this server{} and shared by its sessions; built here when
    // null.
    ImapClientProtocol(const config::ServerConfig& server, std::function<std::string()> makeSalt,
                       std::shared_ptr<const ImapCapabilities> capabilities = nullptr);

    const char* name() const override { return "imap"; }
    std::string greeting() override;

    char* readSpace(size_t& room) override;
    void commitRead(size_t bytes) override;
    mail::ClientStep step() override;

    std::string loginFailedReply(const std::string& text, const std::string& errorCode) override;
    void resetAfterFailedLogin() override;
    std::string internalErrorReply() const override;
    std::string takeUnconsumedInput() override;
    std::string loginForLog() const override { return sasl_.lastLogin(); }
    size_t relayBufferSize() const override { return input_.capacity(); }
    std::unique_ptr<mail::BackendLogin> makeBackendLogin(const mail::Credentials& effective,
                                                         const mail::ClientContext& client) override;

    // TLS is not built yet. A `listen ... ssl` port, or a finished STARTTLS handshake, sets this: STARTTLS is
    // then refused and the normal capability line is shown.
    void setTlsActive(bool active) override { tlsActive_ = active; }
    // True once after a STARTTLS was accepted (`<tag> OK completed` sent, buffered bytes thrown away): the
    // session should run the TLS handshake now and then call setTlsActive(true).
    bool takeStartTlsRequest() override;
    std::string certificateErrorReply() const override { return replies::kCertificateError; }
    std::string noCertificateReply() const override { return replies::kNoCertificate; }

  private:
    // What handling one line produced, before it becomes a ClientStep (nginx: rc, s->out, s->text, tag).
    struct Outcome {
        enum Result { Ok, Continue, Invalid, Authenticate } result = Ok;
        std::string text;  // untagged lines before the tagged one
        std::string out;   // the tagged (or, with tagged == false, untagged) reply
        bool tagged = true;
        mail::Credentials credentials;
        std::string infoLog;
    };

    Outcome handleCommand();
    Outcome handleStartCommand();
    Outcome handleAuthenticate();
    Outcome handleContinuation();
    Outcome fromSasl(sasl::SaslStep step);
    Outcome authenticateWith(std::string method, std::string login, std::string password, std::string salt);
    static Outcome invalid(std::string infoLog = std::string());
    bool loginBlockedByStartTlsOnly() const;
    std::string currentTag() const;

    // Copied from the server{} so the protocol never outlives its configuration.
    const config::StartTls starttls_;
    const bool proxyPassErrorMessage_;
    const std::shared_ptr<const ImapCapabilities> capabilities_;
    ImapParser parser_;
    sasl::SaslExchange sasl_;  // AUTHENTICATE, from the mechanism to the credentials

    core::CommandBuffer input_;  // imap_client_buffer bytes, allocated at the first read

    bool quit_ = false;
    // nginx parses again right after a reply only if unparsed bytes remain; otherwise it waits for the next
    // read event (readSpace() is the session's sign of one), even when the buffer is already full.
    bool awaitingRead_ = false;
    bool tlsActive_ = false;
    bool startTlsRequested_ = false;
    std::string loginTag_;  // tag of the line that completed the credentials
};

}  // namespace mailwire::imap
