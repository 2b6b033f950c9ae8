// The error log each server's sessions write to: its own error_log, else the mail{} one, else the main log.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/MailConfig.h"
#include "core/ErrorLog.h"

namespace mailwire::app {

std::vector<std::pair<std::string, std::string>> logTargets(const std::vector<config::ErrorLogSpec>& specs);

class ServerLogs {
  public:
    // On failure returns null and sets `error` (logged at emerg, as nginx does for an unopenable log).
    static std::unique_ptr<ServerLogs> open(const config::MainConfig& config, core::ErrorLog& mainLog,
                                            std::string& error);

    core::Log& forServer(const config::ServerConfig* server);
    // USR1 for the logs this object owns (the main log is reopened by its owner); failures go to `errorsTo`.
    void reopen(core::Log& errorsTo);

  private:
    explicit ServerLogs(core::ErrorLog& mainLog) : main_(mainLog) {}

    core::ErrorLog& main_;
    std::vector<std::unique_ptr<core::ErrorLog>> owned_;
    std::unordered_map<const config::ServerConfig*, core::ErrorLog*> byServer_;
};

}  // namespace mailwire::app
