#include "config/MailConfig.h"

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

}  // namespace mailwire::config
