// Drives a Pop3ClientProtocol the way the session does: read into the buffer's free room, then step()
// until it wants more, authenticates or closes.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/MailConfig.h"
#include "pop3/Pop3ClientProtocol.h"

namespace mailwire::pop3::testing {

inline config::ServerConfig defaultServer() {
    config::ServerConfig server;
    server.protocol = config::Protocol::Pop3;
    server.serverName = "mail.example.com";
    return server;
}

inline config::ServerConfig serverWithAuth(unsigned pop3Auth) {
    config::ServerConfig server = defaultServer();
    server.pop3Auth = pop3Auth;
    return server;
}

class Pop3Driver {
  public:
    explicit Pop3Driver(const config::ServerConfig& server = defaultServer(),
                        std::string salt = "<1.2@mail.example.com>")
        : protocol(server, [this, salt] {
              ++saltCalls;
              return salt;
          }) {}

    // Feeds `bytes` (as far as the session would read them) and returns the steps up to the next NeedMore,
    // Authenticate or Close. Bytes that did not fit stay queued for the next feed().
    std::vector<mail::ClientStep> feed(std::string_view bytes) {
        queued.append(bytes);
        std::vector<mail::ClientStep> steps;
        for (;;) {
            size_t room = 0;
            char* space = protocol.readSpace(room);
            const size_t n = std::min(room, queued.size());
            if (n > 0) {
                std::copy(queued.begin(), queued.begin() + static_cast<std::ptrdiff_t>(n), space);
                queued.erase(0, n);
                protocol.commitRead(n);
            }
            for (;;) {
                mail::ClientStep step = protocol.step();
                if (step.kind == mail::ClientStep::NeedMore) break;
                steps.push_back(step);
                if (step.kind != mail::ClientStep::Reply) return steps;
            }
            if (queued.empty() || n == 0) return steps;  // n == 0: full buffer, the protocol had its say
        }
    }

    // Everything written to the client by these steps, in order.
    static std::string output(const std::vector<mail::ClientStep>& steps) {
        std::string all;
        for (const mail::ClientStep& step : steps) all += step.output;
        return all;
    }

    std::string say(std::string_view bytes) { return output(feed(bytes)); }

    // The single step `bytes` produce, which must be an Authenticate with no output.
    mail::Credentials authenticate(std::string_view bytes) {
        std::vector<mail::ClientStep> steps = feed(bytes);
        if (steps.size() != 1 || steps[0].kind != mail::ClientStep::Authenticate ||
            !steps[0].output.empty()) {
            lastFailure = output(steps);
            return mail::Credentials{};
        }
        lastFailure.clear();
        return steps[0].credentials;
    }

    int saltCalls = 0;
    std::string queued;
    std::string lastFailure;  // authenticate(): what came instead of the expected step
    Pop3ClientProtocol protocol;
};

inline const char* const kInvalid = "-ERR invalid command\r\n";
inline const char* const kDefaultCapa =
    "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nSASL PLAIN LOGIN\r\n.\r\n";

}  // namespace mailwire::pop3::testing
