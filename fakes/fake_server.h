#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "auth_responder.h"
#include "dns_server.h"
#include "event_loop.h"
#include "fake_options.h"
#include "mail_script.h"
#include "tcp_server.h"
#include "transcript.h"

namespace mailwire::fake {

// One fake, built from its options and listening, ready to run: used by main() and by end-to-end tests.
class FakeServer {
  public:
    // Loads the script (ScriptError) and binds every listener (std::runtime_error).
    FakeServer(const FakeOptions& options, std::unique_ptr<Transcript> transcript);
    ~FakeServer();

    std::vector<std::uint16_t> ports() const { return dnsServer_ ? dnsServer_->ports() : server_->ports(); }
    // Serves until requestStop(), then records `close` for every open connection.
    void run();
    // Thread- and signal-safe.
    void requestStop() { loop_.requestStop(); }

  private:
    EventLoop loop_;
    std::unique_ptr<Transcript> transcript_;
    std::unique_ptr<MailScript> mailScript_;
    std::unique_ptr<AuthResponder> authResponder_;
    std::unique_ptr<TcpServer> server_;
    std::unique_ptr<DnsServer> dnsServer_;  // `dns`: UDP instead of server_
};

}  // namespace mailwire::fake
