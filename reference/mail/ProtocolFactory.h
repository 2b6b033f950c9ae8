// Picks the client-side protocol implementation for a server{} block.
#pragma once

#include <map>
#include <memory>

#include "config/MailConfig.h"
#include "mail/ClientProtocol.h"

namespace mailwire::mail {

std::unique_ptr<ClientProtocol> makeClientProtocol(const config::ServerConfig& server);

// A worker's maker of client protocols. What a protocol derives from its server{} alone (the CAPABILITY,
// CAPA and EHLO lines) is built at that server's first session and shared by the later ones, instead of
// being formatted again for every connection.
class ProtocolFactory {
  public:
    std::unique_ptr<ClientProtocol> make(const std::shared_ptr<const config::ServerConfig>& server);

  private:
    struct Prebuilt;
    const Prebuilt& prebuilt(const std::shared_ptr<const config::ServerConfig>& server);

    // Keyed by address; the weak pointer tells a live entry from one whose configuration was freed (after a
    // reload) and whose address a new one may now have.
    std::map<const config::ServerConfig*, std::shared_ptr<const Prebuilt>> prebuilt_;
};

// "<R.T@server_name>": R random, T the Unix time (spec 3.7).
std::string makeSalt(const std::string& serverName);

}  // namespace mailwire::mail
