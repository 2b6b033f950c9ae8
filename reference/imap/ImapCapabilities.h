// The CAPABILITY lines of one server{} (spec 4.4), built once from its configuration.
#pragma once

#include <string>

#include "config/MailConfig.h"

namespace mailwire::imap {

class ImapCapabilities {
  public:
    explicit ImapCapabilities(const config::ServerConfig& server);

    // The line a client sees now: before TLS, `starttls on|only` pick their variants.
    const std::string& line(bool tlsActive) const;

    // "* CAPABILITY C1 ... Cn[ AUTH=PLAIN][ AUTH=LOGIN][ AUTH=CRAM-MD5][ AUTH=EXTERNAL]\r\n"
    const std::string& normal() const { return normal_; }
    // The normal line with " STARTTLS" after the AUTH= items.
    const std::string& withStartTls() const { return withStartTls_; }
    // "* CAPABILITY C1 ... Cn STARTTLS LOGINDISABLED\r\n": no AUTH= items.
    const std::string& startTlsOnly() const { return startTlsOnly_; }

  private:
    config::StartTls starttls_;
    std::string normal_;
    std::string withStartTls_;
    std::string startTlsOnly_;
};

}  // namespace mailwire::imap
