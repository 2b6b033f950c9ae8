// Drives an SmtpClientProtocol the way the session does: read into the buffer's free room, then step()
// until it wants more, authenticates or closes.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/MailConfig.h"
#include "smtp/SmtpClientProtocol.h"

namespace mailwire::smtp::testing {

inline config::ServerConfig defaultServer() {
    config::ServerConfig server;
    server.protocol = config::Protocol::Smtp;
    server.serverName = "mail.example.com";
    return server;
}

inline config::ServerConfig serverWith(unsigned smtpAuth) {
    config::ServerConfig server = defaultServer();
    server.smtpAuth = smtpAuth;
    return server;
}

class SmtpDriver {
  public:
    explicit SmtpDriver(const config::ServerConfig& server = defaultServer(), std::string salt = "<1.2@mx>")
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
            if (queued.empty() || n == 0) return steps;
        }
    }

    static std::string output(const std::vector<mail::ClientStep>& steps) {
        std::string all;
        for (const mail::ClientStep& step : steps) all += step.output;
        return all;
    }

    std::string say(std::string_view bytes) { return output(feed(bytes)); }

    // Feeds `bytes` and expects the last step to be Authenticate; returns its credentials.
    mail::Credentials authenticate(std::string_view bytes) {
        std::vector<mail::ClientStep> steps = feed(bytes);
        if (steps.empty() || steps.back().kind != mail::ClientStep::Authenticate) {
            lastOutput = output(steps);
            mail::Credentials none;
            none.method = "not authenticated";
            return none;
        }
        lastOutput = output(steps);
        return steps.back().credentials;
    }

    int saltCalls = 0;
    std::string queued;
    std::string lastOutput;
    SmtpClientProtocol protocol;
};

}  // namespace mailwire::smtp::testing
