#include "app/ServerLogs.h"

namespace mailwire::app {

std::vector<std::pair<std::string, std::string>> logTargets(const std::vector<config::ErrorLogSpec>& specs) {
    std::vector<std::pair<std::string, std::string>> targets;
    for (const auto& spec : specs) targets.emplace_back(spec.target, spec.level);
    return targets;
}

std::unique_ptr<ServerLogs> ServerLogs::open(const config::MainConfig& config, core::ErrorLog& mainLog,
                                             std::string& error) {
    std::unique_ptr<ServerLogs> logs(new ServerLogs(mainLog));
    core::ErrorLog* mailLevel = &mainLog;
    if (!config.mailErrorLogs.empty()) {
        auto opened = core::openErrorLog(logTargets(config.mailErrorLogs), error);
        if (!opened) return nullptr;
        mailLevel = opened.get();
        logs->owned_.push_back(std::move(opened));
    }
    for (const auto& server : config.servers) {
        core::ErrorLog* chosen = mailLevel;
        if (!server.errorLogs.empty()) {
            auto opened = core::openErrorLog(logTargets(server.errorLogs), error);
            if (!opened) return nullptr;
            chosen = opened.get();
            logs->owned_.push_back(std::move(opened));
        }
        logs->byServer_[&server] = chosen;
    }
    return logs;
}

core::Log& ServerLogs::forServer(const config::ServerConfig* server) {
    auto found = byServer_.find(server);
    return found == byServer_.end() ? static_cast<core::Log&>(main_) : *found->second;
}

void ServerLogs::reopen(core::Log& errorsTo) {
    for (auto& log : owned_)
        for (const auto& error : log->reopen()) errorsTo.write(core::LogLevel::Alert, error);
}

}  // namespace mailwire::app
