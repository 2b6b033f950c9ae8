// The EHLO capability blocks and the HELO reply of one server{} (spec 6.5), built once from its
// configuration.
#pragma once

#include <string>

#include "config/MailConfig.h"

namespace mailwire::smtp {

class SmtpCapabilities {
  public:
    explicit SmtpCapabilities(const config::ServerConfig& server);

    // The EHLO reply a client sees now: before TLS, `starttls on|only` pick their variants.
    const std::string& ehlo(bool tlsActive) const;
    // "250 <server_name>\r\n"
    const std::string& helo() const { return helo_; }

    // "250-<server_name>\r\n", "250-Ci\r\n"..., "250 AUTH M1 M2\r\n" (no AUTH line: the last line uses a
    // space)
    const std::string& normal() const { return normal_; }
    // Every line of the normal block with '-', then "250 STARTTLS\r\n".
    const std::string& withStartTls() const { return withStartTls_; }
    // The normal block without its AUTH line, every line with '-', then "250 STARTTLS\r\n".
    const std::string& startTlsOnly() const { return startTlsOnly_; }

  private:
    config::StartTls starttls_;
    std::string helo_;
    std::string normal_;
    std::string withStartTls_;
    std::string startTlsOnly_;
};

}  // namespace mailwire::smtp
