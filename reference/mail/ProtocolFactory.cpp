#include "mail/ProtocolFactory.h"

#include <ctime>
#include <random>
#include <stdexcept>

#include "imap/ImapClientProtocol.h"
#include "sasl/Salt.h"

namespace mailwire::mail {

std::string makeSalt(const std::string& serverName) {
    static std::mt19937 generator{std::random_device{}()};
    std::uniform_int_distribution<unsigned long> random(0, 2147483647UL);  // the range of random()
    return sasl::formatSalt(random(generator), static_cast<int64_t>(std::time(nullptr)), serverName);
}

std::unique_ptr<ClientProtocol> makeClientProtocol(const config::ServerConfig& server) {
    switch (server.protocol) {
        case config::Protocol::Imap: {
            const std::string name = server.serverName;
            return std::make_unique<imap::ImapClientProtocol>(server, [name] { return makeSalt(name); });
        }
        case config::Protocol::Pop3:
        case config::Protocol::Smtp:
            break;
    }
    // The config loader refuses these servers, so reaching here is a programming error.
    throw std::logic_error(std::string("protocol not built yet: ") + config::protocolName(server.protocol));
}

}  // namespace mailwire::mail
