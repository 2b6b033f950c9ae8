#include "resolver/UdpDnsTransport.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mailwire::resolver {

struct UdpDnsTransport::Question {
    uint64_t key = 0;
    std::string name;
    RecordType type = RecordType::A;
    uint16_t id = 0;
    std::string query;  // empty: the name cannot be asked (the question times out)
    Done done;
    int fd = -1;
    int family = AF_INET;
    size_t server = 0;
    core::TimerId deadline = 0;
    core::TimerId resend = 0;
};

UdpDnsTransport::UdpDnsTransport(core::EventLoop& loop, std::vector<std::string> servers,
                                 core::Millis timeout, core::Millis resendEvery)
    : loop_(loop),
      servers_(std::move(servers)),
      timeout_(timeout),
      resendEvery_(resendEvery),
      random_(std::random_device{}()) {}

UdpDnsTransport::~UdpDnsTransport() { cancelAll(); }

void UdpDnsTransport::ask(const std::string& name, RecordType type, Done done) {
    const uint64_t key = nextKey_++;
    auto question = std::make_unique<Question>();
    question->key = key;
    question->name = name;
    question->type = type;
    question->id = static_cast<uint16_t>(random_() & 0xffff);  // random ids make spoofed answers harder
    question->query = buildQuery(question->id, name, type).value_or("");
    question->done = std::move(done);
    question->server = servers_.empty() ? 0 : nextServer_++ % servers_.size();
    question->deadline = loop_.addTimer(timeout_, [this, key] {
        auto it = questions_.find(key);
        if (it == questions_.end()) return;
        it->second->deadline = 0;
        finish(key, DnsAnswer{kTimedOut, {}});
    });
    Question& asked = *question;
    questions_.emplace(key, std::move(question));
    send(asked);
    armResend(key);
}

void UdpDnsTransport::armResend(uint64_t key) {
    auto it = questions_.find(key);
    if (it == questions_.end()) return;
    it->second->resend = loop_.addTimer(resendEvery_, [this, key] {
        auto again = questions_.find(key);
        if (again == questions_.end()) return;
        Question& question = *again->second;
        question.resend = 0;
        if (!servers_.empty()) question.server = (question.server + 1) % servers_.size();
        send(question);
        armResend(key);
    });
}

void UdpDnsTransport::send(Question& question) {
    if (question.query.empty() || servers_.empty()) return;
    try {
        const Poco::Net::SocketAddress server(servers_[question.server]);
        const int family = server.family() == Poco::Net::SocketAddress::IPv6 ? AF_INET6 : AF_INET;
        if (question.fd >= 0 && question.family != family) {  // the next server speaks the other family
            loop_.unwatch(question.fd);
            ::close(question.fd);
            question.fd = -1;
        }
        if (question.fd < 0) {
            question.fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (question.fd < 0) return;  // the deadline reports it
            question.family = family;
            const uint64_t key = question.key;
            loop_.watch(question.fd, core::kReadable, [this, key](uint32_t) { onReadable(key); });
        }
        // Unconnected: the servers may take turns on one socket. Answers are matched by id and question.
        ::sendto(question.fd, question.query.data(), question.query.size(), 0, server.addr(),
                 server.length());
    } catch (const Poco::Exception&) {
        // An address that does not parse was refused at config time; nothing to send to.
    }
}

void UdpDnsTransport::onReadable(uint64_t key) {
    for (int i = 0; i < 16; ++i) {
        auto it = questions_.find(key);
        if (it == questions_.end()) return;
        Question& question = *it->second;
        char buffer[4096];
        sockaddr_storage peer{};
        socklen_t peerLength = sizeof peer;
        const ssize_t n = ::recvfrom(question.fd, buffer, sizeof buffer, 0,
                                     reinterpret_cast<sockaddr*>(&peer), &peerLength);
        if (n < 0) return;  // EAGAIN, or an ICMP error from a server: keep waiting for the others
        if (!fromAServer(peer, peerLength)) continue;
        const auto response = parseResponse(std::string_view(buffer, static_cast<size_t>(n)));
        if (!response || response->id != question.id ||
            response->questionType != static_cast<uint16_t>(question.type) ||
            strcasecmp(response->questionName.c_str(), question.name.c_str()) != 0) {
            continue;  // not the answer to this question
        }
        finish(key, DnsAnswer{response->rcode, response->answers});
        return;
    }
}

bool UdpDnsTransport::fromAServer(const sockaddr_storage& peer, socklen_t length) const {
    try {
        const Poco::Net::SocketAddress sender(reinterpret_cast<const sockaddr*>(&peer), length);
        for (const auto& server : servers_)
            if (Poco::Net::SocketAddress(server) == sender) return true;
    } catch (const Poco::Exception&) {
    }
    return false;
}

void UdpDnsTransport::finish(uint64_t key, const DnsAnswer& answer) {
    auto it = questions_.find(key);
    if (it == questions_.end()) return;
    std::unique_ptr<Question> question = std::move(it->second);
    questions_.erase(it);
    drop(*question);
    // Last: `done` may destroy this transport.
    question->done(answer);
}

void UdpDnsTransport::drop(Question& question) {
    if (question.deadline) loop_.cancelTimer(question.deadline);
    if (question.resend) loop_.cancelTimer(question.resend);
    question.deadline = question.resend = 0;
    if (question.fd >= 0) {
        loop_.unwatch(question.fd);
        ::close(question.fd);
        question.fd = -1;
    }
}

void UdpDnsTransport::cancelAll() {
    for (auto& entry : questions_) drop(*entry.second);
    questions_.clear();
}

}  // namespace mailwire::resolver
