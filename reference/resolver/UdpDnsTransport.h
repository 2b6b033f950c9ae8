// DnsTransport over UDP on the worker's event loop: one socket per question, the configured servers in
// turn, a resend every 5 s (as nginx does) and a deadline of resolver_timeout per question.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/EventLoop.h"
#include "resolver/DnsTransport.h"

namespace mailwire::resolver {

class UdpDnsTransport : public DnsTransport {
  public:
    // `servers` are "ip:port" or "[ipv6]:port" (ServerConfig::resolverAddresses).
    UdpDnsTransport(core::EventLoop& loop, std::vector<std::string> servers, core::Millis timeout,
                    core::Millis resendEvery = core::Millis(5000));
    ~UdpDnsTransport() override;

    void ask(const std::string& name, RecordType type, Done done) override;
    void cancelAll() override;

  private:
    struct Question;
    void send(Question& question);
    void armResend(uint64_t key);
    void onReadable(uint64_t key);
    bool fromAServer(const sockaddr_storage& peer,
                     socklen_t length) const;  // answers from elsewhere are dropped
    void finish(uint64_t key, const DnsAnswer& answer);
    void drop(Question& question);

    core::EventLoop& loop_;
    std::vector<std::string> servers_;
    core::Millis timeout_;
    core::Millis resendEvery_;
    size_t nextServer_ = 0;
    uint64_t nextKey_ = 1;
    std::map<uint64_t, std::unique_ptr<Question>> questions_;
    std::mt19937 random_;
};

}  // namespace mailwire::resolver
