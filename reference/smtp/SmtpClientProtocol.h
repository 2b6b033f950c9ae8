// The SMTP client side before login (spec 6), as a pure state machine over nginx's fixed-size client buffer.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "config/MailConfig.h"
#include "core/CommandBuffer.h"
#include "mail/ClientProtocol.h"
#include "sasl/SaslExchange.h"
#include "smtp/SmtpCapabilities.h"
#include "smtp/SmtpParser.h"
#include "smtp/SmtpReplies.h"

namespace mailwire::smtp {

class SmtpClientProtocol : public mail::ClientProtocol {
  public:
    // `makeSalt` returns the whole "<R.T@server_name>" string; it is called once, on the first CRAM-MD5.
    // `capabilities`: the lines built once for this server{} and shared by its sessions; built here when
    // null.
    SmtpClientProtocol(const config::ServerConfig& server, std::function<std::string()> makeSalt,
                       std::shared_ptr<const SmtpCapabilities> capabilities = nullptr);

    const char* name() const override { return "smtp"; }
    std::string greeting() override;

    bool wantsClientHost() const override { return true; }
    std::chrono::milliseconds greetingDelay() const override { return greetingDelay_; }
    std::string rejectedBeforeGreetingReply() const override;

    char* readSpace(size_t& room) override;
    void commitRead(size_t bytes) override;
    mail::ClientStep step() override;

    std::string loginFailedReply(const std::string& text, const std::string& errorCode) override;
    void resetAfterFailedLogin() override;
    std::string internalErrorReply() const override;
    std::string takeUnconsumedInput() override;
    std::string loginForLog() const override { return login_; }
    size_t relayBufferSize() const override { return input_.capacity(); }
    std::unique_ptr<mail::BackendLogin> makeBackendLogin(const mail::Credentials& effective,
                                                         const mail::ClientContext& client) override;

    // TLS is not built yet. A `listen ... ssl` port, or a finished STARTTLS handshake, sets this.
    void setTlsActive(bool active) override { tlsActive_ = active; }
    // True once after a STARTTLS was accepted ("220 2.0.0 Start TLS" sent, buffered bytes thrown away).
    bool takeStartTlsRequest() override;
    std::string certificateErrorReply() const override { return replies::kCertificateError; }
    std::string noCertificateReply() const override { return replies::kNoCertificate; }

  private:
    struct Outcome {
        enum Result { Ok, Continue, Invalid, Authenticate } result = Ok;
        std::string out;
        std::string infoLog;
        std::string method;  // Authenticate
    };

    Outcome handleStartCommand();
    Outcome handleHelo(bool ehlo);
    Outcome handleAuth();
    Outcome handleMail();
    Outcome handleRcpt();
    Outcome handleStartTls();
    Outcome handleContinuation();
    Outcome fromSasl(sasl::SaslStep step);
    // The credentials of an attempt, from what the session keeps (login, password, HELO, MAIL, RCPT).
    mail::Credentials credentialsFor(const std::string& method);
    static Outcome reply(const char* text);
    static Outcome invalid(std::string infoLog = std::string());
    std::string bufferForLog() const;

    // Copied from the server{} so the protocol never outlives its configuration.
    const unsigned authMethods_;
    const config::StartTls starttls_;
    const std::chrono::milliseconds greetingDelay_;
    const std::string serverName_;
    const bool xclient_;
    const bool proxySmtpAuth_;
    const bool proxyPassErrorMessage_;
    const std::shared_ptr<const SmtpCapabilities> capabilities_;
    SmtpParser parser_;
    sasl::SaslExchange sasl_;  // AUTH, from the mechanism to the credentials

    core::CommandBuffer input_;  // smtp_client_buffer bytes, allocated at the first read

    bool quit_ = false;
    // nginx parses again right after a reply only if unparsed bytes remain; otherwise it waits for a read.
    bool awaitingRead_ = false;
    bool tlsActive_ = false;
    bool startTlsRequested_ = false;

    // What nginx keeps in the session between commands.
    bool esmtp_ = false;  // set by EHLO, never cleared (quirk 11)
    std::string helo_;
    std::string mailFrom_;
    std::string rcptTo_;
    std::string login_;
    std::string password_;
    bool passwordSet_ = false;           // nginx's passwd.data != NULL
    mail::Credentials lastCredentials_;  // what the last auth request carried
};

}  // namespace mailwire::smtp
