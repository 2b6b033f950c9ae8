#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dns_script.h"
#include "event_loop.h"
#include "transcript.h"

namespace mailwire::fake {

// A fake DNS server on UDP: answers each query from the script (unscripted questions get NXDOMAIN) and
// records every query as its own transcript "conn" (recv "PTR 1.0.0.127.in-addr.arpa", send "NOERROR ...").
class DnsServer {
  public:
    DnsServer(EventLoop& loop, Transcript& transcript, DnsScript script);
    ~DnsServer();

    // `address` is HOST:PORT or [IPv6]:PORT; throws std::runtime_error naming it when it cannot bind.
    void listen(const std::string& address);
    std::vector<std::uint16_t> ports() const;

    // The transcript texts, e.g. "PTR 1.0.0.127.in-addr.arpa" and "NOERROR client.example.test".
    static std::string questionText(const std::string& name, std::uint16_t type);
    static std::string answerText(int rcode, const std::vector<std::string>& records);

  private:
    class Socket;
    void serve(Socket& socket);

    EventLoop& loop_;
    Transcript& transcript_;
    DnsScript script_;
    std::vector<std::unique_ptr<Socket>> sockets_;
    int queries_ = 0;
};

}  // namespace mailwire::fake
