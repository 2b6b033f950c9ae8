// Drives a ClientProtocol as the session does (read into the buffer's free room, then step() until it wants
// more), over a client byte stream cut into reads, and checks what the session relies on: every reply ends in
// CRLF, reads never overrun the buffer, and each step() either consumes input or stops.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "FuzzInput.h"
#include "config/MailConfig.h"
#include "mail/ClientProtocol.h"

namespace mailwire::fuzz {

// Option byte bits the three client targets share.
struct ClientOptions {
    unsigned authMethods;       // bits 0-1: CRAM-MD5, EXTERNAL (PLAIN always; LOGIN for SMTP too)
    config::StartTls starttls;  // bits 2-3: off, on, only
    bool tlsActive;             // bit 4: as on a `listen ... ssl` port
    bool smallBuffer;           // bit 5: a 64-byte client buffer (IMAP, SMTP), to reach "too long"
    bool oneError;              // bit 6: max_errors 1
    bool retryAfterFailure;     // bit 7: after Authenticate, fail the login and read on (Auth-Wait)

    explicit ClientOptions(uint8_t bits)
        : authMethods(config::kAuthPlain | ((bits & 1) ? config::kAuthCramMd5 : 0u) |
                      ((bits & 2) ? config::kAuthExternal : 0u)),
          starttls(static_cast<config::StartTls>(((bits >> 2) & 3) % 3)),
          tlsActive(bits & 16),
          smallBuffer(bits & 32),
          oneError(bits & 64),
          retryAfterFailure(bits & 128) {}

    void applyCommon(config::ServerConfig& server) const {
        server.serverName = "mail.example.com";
        server.starttls = starttls;
        server.maxErrors = oneError ? 1 : 5;
    }
};

inline void checkReply(std::string_view what, const std::string& text) {
    if (!endsWithCrlf(text)) violated(what.data(), text);
}

// Runs the whole stream; returns when the protocol closes, hands over to the backend, or the input ends.
inline void runClientStream(mail::ClientProtocol& protocol, const ClientOptions& options,
                            std::string_view payload, uint8_t splitSeed) {
    protocol.setTlsActive(options.tlsActive);
    checkReply("greeting", protocol.greeting());
    checkReply("internal error reply", protocol.internalErrorReply());
    const size_t capacity = protocol.relayBufferSize();
    std::string queued;
    for (std::string_view read : splitIntoReads(payload, splitSeed)) {
        queued.append(read);
        for (;;) {
            size_t room = 0;
            char* space = protocol.readSpace(room);
            if (room > capacity) violated("readSpace offers more than the buffer holds");
            const size_t n = std::min(room, queued.size());
            if (n > 0) {
                std::copy(queued.begin(), queued.begin() + static_cast<std::ptrdiff_t>(n), space);
                queued.erase(0, n);
                protocol.commitRead(n);
            }
            // Without new bytes, step() must reach NeedMore (or an end) within one reply per buffered line.
            for (size_t steps = 0;; ++steps) {
                if (steps > capacity + 2) violated("step() keeps replying without consuming input");
                mail::ClientStep step = protocol.step();
                if (step.kind == mail::ClientStep::NeedMore) break;
                if (step.kind == mail::ClientStep::Reply) {
                    checkReply("reply", step.output);
                    if (protocol.takeStartTlsRequest()) protocol.setTlsActive(true);
                    continue;
                }
                if (step.kind == mail::ClientStep::Close) {
                    if (!step.output.empty()) checkReply("closing reply", step.output);
                    return;
                }
                // Authenticate
                if (!step.output.empty()) checkReply("reply before auth", step.output);
                if (step.credentials.method.empty()) violated("credentials without a method");
                if (!options.retryAfterFailure) {
                    protocol.takeUnconsumedInput();
                    protocol.makeBackendLogin(step.credentials,
                                              mail::ClientContext{"127.0.0.1", "[UNAVAILABLE]"});
                    return;
                }
                checkReply("login failed reply", protocol.loginFailedReply("Invalid login", "535 5.7.8"));
                protocol.resetAfterFailedLogin();
            }
            if (queued.empty() || n == 0) break;  // n == 0: full buffer, the protocol had its say
        }
    }
}

}  // namespace mailwire::fuzz
