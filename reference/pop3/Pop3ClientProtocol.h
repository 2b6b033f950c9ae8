// The POP3 client side before login (spec 5), as a pure state machine over nginx's fixed 128-byte client
// buffer.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "config/MailConfig.h"
#include "core/CommandBuffer.h"
#include "mail/ClientProtocol.h"
#include "pop3/Pop3Capabilities.h"
#include "pop3/Pop3Parser.h"
#include "pop3/Pop3Replies.h"
#include "sasl/SaslExchange.h"

namespace mailwire::pop3 {

class Pop3ClientProtocol : public mail::ClientProtocol {
  public:
    // POP3 has no *_client_buffer directive: the buffer (and the client-to-backend relay buffer) is fixed.
    static constexpr size_t kClientBufferSize = 128;

    // `makeSalt` returns the whole "<R.T@server_name>" string. It is called once, here, when `pop3_auth`
    // enables apop or cram-md5: the greeting carries the salt.
    // `capabilities`: the lines built once for this server{} and shared by its sessions; built here when
    // null.
    Pop3ClientProtocol(const config::ServerConfig& server, std::function<std::string()> makeSalt,
                       std::shared_ptr<const Pop3Capabilities> capabilities = nullptr);

    const char* name() const override { return "pop3"; }
    std::string greeting() override;

    char* readSpace(size_t& room) override;
    void commitRead(size_t bytes) override;
    mail::ClientStep step() override;

    std::string loginFailedReply(const std::string& text, const std::string& errorCode) override;
    void resetAfterFailedLogin() override;
    std::string internalErrorReply() const override;
    std::string takeUnconsumedInput() override;
    std::string loginForLog() const override { return sasl_.lastLogin(); }
    size_t relayBufferSize() const override { return kClientBufferSize; }
    std::unique_ptr<mail::BackendLogin> makeBackendLogin(const mail::Credentials& effective,
                                                         const mail::ClientContext& client) override;

    // TLS is not built yet. A `listen ... ssl` port, or a finished STLS handshake, sets this: STLS is then
    // refused and the normal capability list is shown.
    void setTlsActive(bool active) override { tlsActive_ = active; }
    // True once after an STLS was accepted (`+OK` sent, buffered bytes thrown away): the session should run
    // the TLS handshake now and then call setTlsActive(true).
    bool takeStartTlsRequest() override;
    std::string certificateErrorReply() const override { return replies::kCertificateError; }
    std::string noCertificateReply() const override { return replies::kNoCertificate; }

  private:
    // During an AUTH exchange the state is START and sasl_ is in progress.
    enum class MailState {
        Start,
        User  // USER accepted: PASS expected
    };

    // What handling one line produced, before it becomes a ClientStep (nginx: rc and s->out).
    struct Outcome {
        enum Result { Ok, Invalid, Authenticate } result = Ok;
        std::string out = replies::kOk;
        mail::Credentials credentials;
        std::string infoLog;
    };

    Outcome handleCommand();
    Outcome handleStartCommand();
    Outcome handleUserCommand();
    Outcome handleAuth();
    Outcome handleContinuation();
    Outcome fromSasl(sasl::SaslStep step);
    Outcome authenticateWith(std::string method, std::string login, std::string password, std::string salt);
    static Outcome invalid(std::string infoLog = std::string());
    bool loginBlockedByStartTlsOnly() const;

    // Copied from the server{} so the protocol never outlives its configuration.
    const unsigned authMethods_;  // pop3_auth, with plain implying LOGIN
    const config::StartTls starttls_;
    const bool proxyPassErrorMessage_;
    const std::shared_ptr<const Pop3Capabilities> capabilities_;
    Pop3Parser parser_;
    sasl::SaslExchange sasl_;  // AUTH, from the mechanism to the credentials
    std::string salt_;         // empty unless apop or cram-md5 is enabled

    core::CommandBuffer input_;  // kClientBufferSize bytes, allocated at the first read

    MailState mailState_ = MailState::Start;
    bool quit_ = false;
    // nginx parses again right after a reply only if unparsed bytes remain; otherwise it waits for the next
    // read event (readSpace() is the session's sign of one), even when the buffer is already full.
    bool awaitingRead_ = false;
    bool tlsActive_ = false;
    bool startTlsRequested_ = false;
    std::string login_;  // from USER, until PASS arrives
};

}  // namespace mailwire::pop3
