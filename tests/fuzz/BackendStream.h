// Drives a BackendLogin as the session does: the backend's bytes arrive in reads, accumulate in a
// proxy_buffer-sized reply buffer that each Send clears, and a full buffer with no complete reply ends the
// login. Checks that every command sent and every reply for the client is a CRLF-terminated line.
#pragma once

#include <string>
#include <string_view>

#include "FuzzInput.h"
#include "mail/BackendLogin.h"

namespace mailwire::fuzz {

inline void runBackendStream(mail::BackendLogin& login, std::string_view payload, uint8_t splitSeed,
                             size_t capacity) {
    std::string reply;
    for (std::string_view read : splitIntoReads(payload, splitSeed)) {
        while (!read.empty()) {
            const size_t n = std::min(read.size(), capacity - reply.size());
            reply.append(read.substr(0, n));
            read.remove_prefix(n);
            const mail::BackendStep step = login.onReply(reply);
            switch (step.kind) {
                case mail::BackendStep::NeedMore:
                    if (reply.size() >= capacity) return;  // "upstream sent too long response line"
                    break;
                case mail::BackendStep::Send:
                    if (!endsWithCrlf(step.toBackend)) violated("command to the backend", step.toBackend);
                    reply.clear();
                    break;
                case mail::BackendStep::Done:
                    if (!endsWithCrlf(step.toClient)) violated("final reply to the client", step.toClient);
                    return;
                case mail::BackendStep::Failed:
                    if (!endsWithCrlf(step.toClient)) violated("error reply to the client", step.toClient);
                    if (step.logText.empty()) violated("a failed login logs nothing");
                    return;
            }
        }
    }
}

// Credentials with the bytes that need quoting or escaping on the wire; picked by an option byte.
inline std::string pickCredential(uint8_t choice) {
    static const char* const kValues[] = {"user", "", "al ice%", "a+b=c %41", "q\"uo\\te", "{5}", "x\r\ny"};
    return kValues[choice % (sizeof kValues / sizeof kValues[0])];
}

}  // namespace mailwire::fuzz
