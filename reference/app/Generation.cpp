#include "app/Generation.h"

#include <vector>

#include "config/ConfigLoader.h"

namespace mailwire::app {

void splitLevelTag(const std::string& text, core::LogLevel& level, std::string& message) {
    message = text;
    if (text.size() < 3 || text[0] != '[') return;
    const auto close = text.find(']');
    if (close == std::string::npos) return;
    core::LogLevel tagged;
    if (!core::parseLogLevel(text.substr(1, close - 1), tagged)) return;
    level = tagged;
    size_t start = close + 1;
    if (start < text.size() && text[start] == ' ') ++start;
    message = text.substr(start);
}

std::shared_ptr<const config::MainConfig> loadConfiguration(const std::string& file,
                                                            const std::string& prefix, core::Log& log,
                                                            std::shared_ptr<const tls::TlsContexts>& tls) {
    std::vector<std::string> notices;
    try {
        auto loaded = std::make_shared<const config::MainConfig>(config::loadConfig(file, prefix, notices));
        tls = tls::TlsContexts::build(*loaded);
        for (const auto& notice : notices) {
            core::LogLevel level = core::LogLevel::Warn;
            std::string message;
            splitLevelTag(notice, level, message);
            log.write(level, message);
        }
        return loaded;
    } catch (const config::ConfigError& e) {
        for (const auto& notice : notices) {
            core::LogLevel level = core::LogLevel::Warn;
            std::string message;
            splitLevelTag(notice, level, message);
            log.write(level, message);
        }
        core::LogLevel level = core::LogLevel::Emerg;
        std::string message;
        splitLevelTag(e.what(), level, message);
        log.write(level, message);
        return nullptr;
    }
}

std::unique_ptr<core::ErrorLog> openMainLog(const config::MainConfig& config,
                                            const std::string& fallbackTarget, std::string& error) {
    if (config.errorLogs.empty()) return core::openErrorLog({{fallbackTarget, "error"}}, error);
    return core::openErrorLog(logTargets(config.errorLogs), error);
}

std::unique_ptr<Generation> GenerationBuilder::build(const Generation* previous) {
    auto generation = std::make_unique<Generation>();
    generation->config = loadConfiguration(file_, prefix_, mainLog_, generation->tls);
    if (!generation->config) return nullptr;
    std::string error;
    auto newMainLog = openMainLog(*generation->config, fallbackLog_, error);
    if (newMainLog) generation->serverLogs = ServerLogs::open(*generation->config, mainLog_, error);
    if (generation->serverLogs)
        generation->listeners =
            ListenerSet::open(generation->config, previous ? previous->listeners.get() : nullptr, error);
    if (!generation->listeners) {
        mainLog_.write(core::LogLevel::Emerg, error);
        return nullptr;
    }
    mainLog_.replaceSinks(std::move(*newMainLog));
    for (const auto& key : generation->listeners->dropped()) {
        // The file goes when the previous generation releases the socket; nginx says so in the new logs.
        if (key.rfind("unix:", 0) == 0)
            mainLog_.write(core::LogLevel::Warn, "deleting socket " + key.substr(5));
    }
    return generation;
}

}  // namespace mailwire::app
