#include "mail/ProtocolFactory.h"

#include <ctime>
#include <random>
#include <stdexcept>

#include "imap/ImapClientProtocol.h"
#include "pop3/Pop3ClientProtocol.h"
#include "sasl/Salt.h"
#include "smtp/SmtpClientProtocol.h"

namespace mailwire::mail {

std::string makeSalt(const std::string& serverName) {
    static std::mt19937 generator{std::random_device{}()};
    std::uniform_int_distribution<unsigned long> random(0, 2147483647UL);  // the range of random()
    return sasl::formatSalt(random(generator), static_cast<int64_t>(std::time(nullptr)), serverName);
}

struct ProtocolFactory::Prebuilt {
    std::weak_ptr<const config::ServerConfig> server;
    std::shared_ptr<const imap::ImapCapabilities> imap;
    std::shared_ptr<const pop3::Pop3Capabilities> pop3;
    std::shared_ptr<const smtp::SmtpCapabilities> smtp;
};

namespace {

std::unique_ptr<ClientProtocol> makeWith(const config::ServerConfig& server,
                                         std::shared_ptr<const imap::ImapCapabilities> imap,
                                         std::shared_ptr<const pop3::Pop3Capabilities> pop3,
                                         std::shared_ptr<const smtp::SmtpCapabilities> smtp) {
    // IMAP and SMTP make the salt at the first CRAM-MD5; POP3 when the session starts (its greeting carries
    // it).
    auto salt = [name = server.serverName] { return makeSalt(name); };
    switch (server.protocol) {
        case config::Protocol::Imap:
            return std::make_unique<imap::ImapClientProtocol>(server, salt, std::move(imap));
        case config::Protocol::Pop3:
            return std::make_unique<pop3::Pop3ClientProtocol>(server, salt, std::move(pop3));
        case config::Protocol::Smtp:
            return std::make_unique<smtp::SmtpClientProtocol>(server, salt, std::move(smtp));
    }
    throw std::logic_error("unknown mail protocol");
}

}  // namespace

std::unique_ptr<ClientProtocol> makeClientProtocol(const config::ServerConfig& server) {
    return makeWith(server, nullptr, nullptr, nullptr);
}

std::unique_ptr<ClientProtocol> ProtocolFactory::make(
    const std::shared_ptr<const config::ServerConfig>& server) {
    const Prebuilt& lines = prebuilt(server);
    return makeWith(*server, lines.imap, lines.pop3, lines.smtp);
}

const ProtocolFactory::Prebuilt& ProtocolFactory::prebuilt(
    const std::shared_ptr<const config::ServerConfig>& server) {
    auto found = prebuilt_.find(server.get());
    if (found != prebuilt_.end() && found->second->server.lock() == server) return *found->second;
    // Entries of configurations that are gone (reloads) are dropped as new servers come.
    for (auto it = prebuilt_.begin(); it != prebuilt_.end();)
        it = it->second->server.expired() ? prebuilt_.erase(it) : std::next(it);
    auto entry = std::make_shared<Prebuilt>();
    entry->server = server;
    switch (server->protocol) {
        case config::Protocol::Imap:
            entry->imap = std::make_shared<imap::ImapCapabilities>(*server);
            break;
        case config::Protocol::Pop3:
            entry->pop3 = std::make_shared<pop3::Pop3Capabilities>(*server);
            break;
        case config::Protocol::Smtp:
            entry->smtp = std::make_shared<smtp::SmtpCapabilities>(*server);
            break;
    }
    prebuilt_[server.get()] = entry;
    return *entry;
}

}  // namespace mailwire::mail
