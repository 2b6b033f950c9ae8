// One loaded configuration with what it needs at run time: its listening sockets and its servers' logs.
// A reload builds the next generation next to the current one and swaps only when everything opened.
#pragma once

#include <memory>
#include <string>

#include "app/Listeners.h"
#include "app/ServerLogs.h"
#include "config/MailConfig.h"
#include "core/ErrorLog.h"
#include "tls/TlsContext.h"

namespace mailwire::app {

struct Generation {
    std::shared_ptr<const config::MainConfig> config;
    std::shared_ptr<ListenerSet> listeners;
    std::unique_ptr<ServerLogs> serverLogs;
    std::shared_ptr<const tls::TlsContexts> tls;  // one OpenSSL context per server with TLS
};

// "[emerg] unknown directive ..." -> Emerg, "unknown directive ..."; text without a level tag keeps `level`.
void splitLevelTag(const std::string& text, core::LogLevel& level, std::string& message);

// Loads the config file and its servers' TLS contexts (certificates are read here, as nginx reads them
// while loading); notices go to `log`; on error logs the emerg line and returns null.
std::shared_ptr<const config::MainConfig> loadConfiguration(const std::string& file,
                                                            const std::string& prefix, core::Log& log,
                                                            std::shared_ptr<const tls::TlsContexts>& tls);

// The main-level logs a config asks for; without error_log, `fallbackTarget` (the -e file) at level error.
std::unique_ptr<core::ErrorLog> openMainLog(const config::MainConfig& config,
                                            const std::string& fallbackTarget, std::string& error);

class GenerationBuilder {
  public:
    GenerationBuilder(std::string file, std::string prefix, std::string fallbackLog, core::ErrorLog& mainLog)
        : file_(std::move(file)),
          prefix_(std::move(prefix)),
          fallbackLog_(std::move(fallbackLog)),
          mainLog_(mainLog) {}

    // Loads the config and opens its logs and listeners (reusing `previous`'s sockets). Failures are logged
    // to the main log and give null; on success the main log's sinks are replaced by the new config's.
    std::unique_ptr<Generation> build(const Generation* previous);

  private:
    std::string file_, prefix_, fallbackLog_;
    core::ErrorLog& mainLog_;
};

}  // namespace mailwire::app
