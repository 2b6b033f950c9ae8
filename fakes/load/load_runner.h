#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "client_steps.h"
#include "load_connection.h"
#include "load_options.h"

namespace mailwire::load {

// What every event loop shares: which sessions may still start, and the idle sessions' progress.
struct SharedRun {
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point deadline;  // duration mode
    std::uint64_t sessionsWanted = 0;                // sessions mode (0: duration mode)
    std::atomic<std::uint64_t> sessionsStarted{0};
    std::atomic<std::uint64_t> settled{0};  // idle: sessions held or failed
    std::atomic<bool> stop{false};          // idle: close the held sessions and finish

    bool mayStart();
};

// One event loop's results.
struct RunResult {
    std::uint64_t completed = 0;
    std::uint64_t held = 0;
    std::map<std::string, std::uint64_t> errors;  // reason -> count
    std::uint64_t payloadBytes = 0;
    std::vector<double> latenciesMs;  // per completed (or held) session
    double finishedS = 0;             // when its last session ended, from SharedRun::started
};

// One epoll loop keeping `concurrency` sessions in flight until SharedRun says stop.
class LoadRunner {
  public:
    LoadRunner(const LoadOptions& options, const std::vector<Step>& steps, SharedRun& shared,
               int concurrency);
    ~LoadRunner();
    RunResult run();

  private:
    struct Entry {
        std::unique_ptr<LoadConnection> connection;
        std::chrono::steady_clock::time_point started;
        std::chrono::steady_clock::time_point lastActivity;
        bool writeWatched = false;
        bool held = false;  // idle: established, no longer in flight
    };

    bool startOne();
    void handle(int fd, std::uint32_t events);
    void settle(int fd);
    void expireSilent();
    void closeHeld();

    const LoadOptions& options_;
    const std::vector<Step>& steps_;
    SharedRun& shared_;
    int concurrency_;
    int epoll_ = -1;
    int inFlight_ = 0;
    std::unordered_map<int, Entry> entries_;
    RunResult result_;
};

}  // namespace mailwire::load
