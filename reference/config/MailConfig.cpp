#include "config/MailConfig.h"

#include <algorithm>

namespace mailwire::config {

const char* protocolName(Protocol p) {
    switch (p) {
        case Protocol::Imap:
            return "imap";
        case Protocol::Pop3:
            return "pop3";
        case Protocol::Smtp:
            return "smtp";
    }
    return "imap";
}

bool ServerConfig::tlsWanted() const {
    return sslOn || starttls != StartTls::Off ||
           std::any_of(listens.begin(), listens.end(), [](const ListenSpec& l) { return l.ssl; });
}

}  // namespace mailwire::config
