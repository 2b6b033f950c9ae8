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

std::unique_ptr<ClientProtocol> makeClientProtocol(const config::ServerConfig& server) {
    // IMAP and SMTP make the salt at the first CRAM-MD5; POP3 when the session starts (its greeting carries
    // it).
    auto salt = [name = server.serverName] { return makeSalt(name); };
    switch (server.protocol) {
        case config::Protocol::Imap:
            return std::make_unique<imap::ImapClientProtocol>(server, salt);
        case config::Protocol::Pop3:
            return std::make_unique<pop3::Pop3ClientProtocol>(server, salt);
        case config::Protocol::Smtp:
            return std::make_unique<smtp::SmtpClientProtocol>(server, salt);
    }
    throw std::logic_error("unknown mail protocol");
}

}  // namespace mailwire::mail
