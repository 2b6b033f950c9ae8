// One server{}'s TLS settings turned into an OpenSSL server context (spec 9): certificates, protocols,
// ciphers, session cache and tickets, client-certificate verification and ALPN for mail.
#pragma once

#include <openssl/ssl.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/MailConfig.h"

namespace mailwire::tls {

class TlsContext {
  public:
    // Throws config::ConfigError with nginx's "[emerg] cannot load certificate ..." style texts.
    static std::shared_ptr<TlsContext> build(const config::ServerConfig& server);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    SSL_CTX* native() const { return ctx_; }

  private:
    TlsContext() = default;
    SSL_CTX* ctx_ = nullptr;
    std::string alpnWire_;  // our ALPN id, length-prefixed ("\x04imap"), for SSL_select_next_proto
    std::vector<std::vector<unsigned char>> ticketKeys_;

    friend struct ContextCallbacks;
};

// The contexts of one configuration, one per server that wants TLS; built before workers start.
class TlsContexts {
  public:
    static std::shared_ptr<const TlsContexts> build(const config::MainConfig& config);
    std::shared_ptr<TlsContext> forServer(const config::ServerConfig* server) const;

  private:
    std::map<const config::ServerConfig*, std::shared_ptr<TlsContext>> contexts_;
};

// "(SSL: error:...:reason[:data] ...)" as nginx appends OpenSSL's error queue to a message; empties the
// queue.
std::string drainSslErrors();

}  // namespace mailwire::tls
