#include "dns_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/DatagramSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>

#include "dns_wire.h"

namespace mailwire::fake {

class DnsServer::Socket : public IoHandler {
  public:
    Socket(DnsServer& server, Poco::Net::DatagramSocket socket)
        : server_(server), socket_(std::move(socket)) {
        registration_ = server_.loop_.add(fd(), *this, true, false);
    }
    ~Socket() override { server_.loop_.remove(registration_); }

    int fd() const { return socket_.impl()->sockfd(); }
    std::uint16_t port() const { return socket_.address().port(); }
    void onIoEvent(std::uint32_t) override { server_.serve(*this); }

  private:
    DnsServer& server_;
    Poco::Net::DatagramSocket socket_;
    std::uint64_t registration_;
};

DnsServer::DnsServer(EventLoop& loop, Transcript& transcript, DnsScript script)
    : loop_(loop), transcript_(transcript), script_(std::move(script)) {}

DnsServer::~DnsServer() = default;

void DnsServer::listen(const std::string& address) {
    try {
        Poco::Net::SocketAddress socketAddress(address);
        Poco::Net::DatagramSocket socket(socketAddress.family());
        socket.bind(socketAddress, true);
        socket.setBlocking(false);
        sockets_.push_back(std::make_unique<Socket>(*this, std::move(socket)));
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + address + ": " + e.displayText());
    }
}

std::vector<std::uint16_t> DnsServer::ports() const {
    std::vector<std::uint16_t> result;
    for (const auto& socket : sockets_) result.push_back(socket->port());
    return result;
}

std::string DnsServer::questionText(const std::string& name, std::uint16_t type) {
    return dnsTypeName(type) + " " + name;
}

std::string DnsServer::answerText(int rcode, const std::vector<std::string>& records) {
    std::string text = dnsRcodeName(rcode);
    for (const auto& record : records) text += " " + (record.empty() ? std::string("\"\"") : record);
    return text;
}

void DnsServer::serve(Socket& socket) {
    // Bounded per event so one busy socket cannot starve the others.
    for (int i = 0; i < 64; ++i) {
        char buffer[1500];
        sockaddr_storage peer{};
        socklen_t peerLength = sizeof peer;
        const ssize_t n = ::recvfrom(socket.fd(), buffer, sizeof buffer, 0,
                                     reinterpret_cast<sockaddr*>(&peer), &peerLength);
        if (n < 0) return;  // EAGAIN, or an ICMP error from an earlier answer: nothing to read
        const int conn = ++queries_;
        const auto question = parseDnsQuery(std::string_view(buffer, static_cast<std::size_t>(n)));
        if (!question) {
            transcript_.error(conn, "unparsable DNS query (" + std::to_string(n) + " bytes)");
            continue;
        }
        transcript_.recv(conn, questionText(question->name, question->type));
        const DnsAnswer* answer = script_.find(question->name, question->type);
        if (answer && answer->drop) continue;
        const int rcode = answer ? answer->rcode : 3;  // unscripted: NXDOMAIN
        static const std::vector<std::string> kNone;
        const auto& records = answer ? answer->records : kNone;
        const std::string reply = buildDnsResponse(*question, rcode, records, answer ? answer->ttl : 0);
        ::sendto(socket.fd(), reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&peer), peerLength);
        transcript_.send(conn, answerText(rcode, records));
    }
}

}  // namespace mailwire::fake
