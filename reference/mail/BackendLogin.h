// The proxy's own login to the backend, as a pure state machine: backend replies in, bytes to send out.
#pragma once

#include <string>
#include <string_view>

namespace mailwire::mail {

struct BackendStep {
    enum Kind {
        NeedMore,  // the reply is not complete yet (nginx: at least 4 bytes ending in CRLF)
        Send,      // write `toBackend`, clear the reply buffer, wait for the next reply
        Done,      // login finished: write `toClient` to the client, then relay
        Failed,    // login refused: log `logText`, write `toClient`, close
    } kind = NeedMore;
    std::string toBackend;
    std::string toClient;
    std::string logText;     // Failed: "upstream sent invalid response: \"...\""
    bool logAsError = true;  // false with proxy_pass_error_message on (nginx logs at info then)
    std::string action;      // Send: the log action for the next wait, e.g. "sending user name to upstream"
};

class BackendLogin {
  public:
    virtual ~BackendLogin() = default;
    // `reply` holds every byte the backend sent since the last Send (the session caps it at proxy_buffer).
    virtual BackendStep onReply(std::string_view reply) = 0;
};

}  // namespace mailwire::mail
