// The client side of one protocol (IMAP, POP3, SMTP) as a pure state machine: the session feeds it the
// client's bytes and carries out the steps it returns. It never touches a socket, a clock or auth_http.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "mail/BackendLogin.h"
#include "mail/Credentials.h"

namespace mailwire::mail {

struct ClientStep {
    enum Kind {
        NeedMore,      // no complete command in the buffer: read more
        Reply,         // write `output`, then call step() again (one command at a time, in order)
        Authenticate,  // credentials complete: write `output` if any, stop reading, ask auth_http
        Close,         // write `output` (may be empty), then close
    } kind = NeedMore;
    std::string output;
    Credentials credentials;  // Authenticate
    std::string infoLog;      // an info-level log line to write, e.g. "client sent too long command \"...\""
};

class ClientProtocol {
  public:
    virtual ~ClientProtocol() = default;

    virtual const char* name() const = 0;  // Auth-Protocol value: "imap"
    virtual std::string greeting() = 0;

    // SMTP only: the session resolves the client's host name before the greeting (spec 6.1) and sends
    // it as Client-Host; then it waits greetingDelay(), answering a client that talks first with
    // rejectedBeforeGreetingReply() (spec 6.2).
    virtual bool wantsClientHost() const { return false; }
    virtual std::chrono::milliseconds greetingDelay() const { return std::chrono::milliseconds(0); }
    virtual std::string rejectedBeforeGreetingReply() const { return {}; }

    // The login as nginx's session holds it before authentication (set by USER or a decoded SASL user name,
    // kept after later errors), for the log context `login: "..."`; empty: none yet.
    virtual std::string loginForLog() const { return {}; }

    // Size of the client-to-backend relay buffer (imap_client_buffer, smtp_client_buffer, 128 for POP3).
    virtual size_t relayBufferSize() const = 0;

    // The client buffer, nginx-style: fixed capacity, appended at the end, emptied only when every byte is
    // used. Returns where to read into and how much room is left (0: full).
    virtual char* readSpace(size_t& room) = 0;
    virtual void commitRead(size_t bytes) = 0;
    virtual ClientStep step() = 0;

    // Auth server said no (Auth-Status text). The reply to send; `errorCode` is Auth-Error-Code (SMTP only).
    virtual std::string loginFailedReply(const std::string& text, const std::string& errorCode) = 0;
    // After an Auth-Wait delay the session goes back to the start state and reads commands again.
    virtual void resetAfterFailedLogin() = 0;
    virtual std::string internalErrorReply() const = 0;

    // TLS (spec 9): after a Reply step the session asks whether that reply accepted STARTTLS/STLS; if so it
    // runs the handshake once the reply is written and then calls setTlsActive(true). An implicit-TLS
    // listener sets it before the greeting.
    virtual bool takeStartTlsRequest() = 0;
    virtual void setTlsActive(bool active) = 0;
    // The fixed replies of spec 3.8 for a client certificate that failed verification, or that is missing.
    virtual std::string certificateErrorReply() const = 0;
    virtual std::string noCertificateReply() const = 0;

    // Pipelined bytes after the login command: forwarded to the backend once its login succeeds.
    virtual std::string takeUnconsumedInput() = 0;

    // A fresh backend login sequence for the credentials auth_http settled on (after Auth-User/Auth-Pass).
    virtual std::unique_ptr<BackendLogin> makeBackendLogin(const Credentials& effective,
                                                           const ClientContext& client) = 0;
};

}  // namespace mailwire::mail
