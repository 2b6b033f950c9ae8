// Picks the client-side protocol implementation for a server{} block.
#pragma once

#include <memory>

#include "config/MailConfig.h"
#include "mail/ClientProtocol.h"

namespace mailwire::mail {

std::unique_ptr<ClientProtocol> makeClientProtocol(const config::ServerConfig& server);

// "<R.T@server_name>": R random, T the Unix time (spec 3.7).
std::string makeSalt(const std::string& serverName);

}  // namespace mailwire::mail
