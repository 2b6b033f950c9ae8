// The CAPA and bare-AUTH lists of one server{} (spec 5.3, 5.4), built once from its configuration.
#pragma once

#include <string>

#include "config/MailConfig.h"

namespace mailwire::pop3 {

// pop3_auth as POP3 applies it: `plain` also enables LOGIN (POP3 has no `login` keyword).
unsigned effectivePop3AuthMethods(unsigned configured);

class Pop3Capabilities {
  public:
    explicit Pop3Capabilities(const config::ServerConfig& server);

    // The CAPA reply a client sees now. Only in the START state before TLS do `starttls on|only` pick
    // their variants; the USER state always gets the normal list (quirk 10).
    const std::string& capa(bool tlsActive, bool startState) const;

    // "+OK Capability list follows\r\n" C1\r\n ... Cn\r\n "SASL[ M1 ...]\r\n" ".\r\n"
    const std::string& normal() const { return normal_; }
    // The normal list with "STLS\r\n" before ".\r\n".
    const std::string& withStartTls() const { return withStartTls_; }
    // The header, each Ci except USER, "STLS\r\n.\r\n": no SASL line.
    const std::string& startTlsOnly() const { return startTlsOnly_; }
    // The reply to a bare AUTH: "+OK methods supported:\r\n" then one mechanism a line, then ".\r\n".
    const std::string& methods() const { return methods_; }

  private:
    config::StartTls starttls_;
    std::string normal_;
    std::string withStartTls_;
    std::string startTlsOnly_;
    std::string methods_;
};

}  // namespace mailwire::pop3
