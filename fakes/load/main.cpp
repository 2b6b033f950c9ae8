// mailwire-load: drives IMAP, POP3 and SMTP sessions at a target (a proxy or a fake backend) and prints one
// JSON line of results. One epoll loop per thread, non-blocking sockets; docs/benchmarks.md.
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>

#include "client_steps.h"
#include "load_options.h"
#include "load_runner.h"

using namespace mailwire::load;

namespace {

volatile std::sig_atomic_t gTerminate = 0;

void onTerminate(int) { gTerminate = 1; }

std::string jsonString(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += '?';
        } else {
            out += c;
        }
    }
    return out + "\"";
}

double percentile(const std::vector<double>& sorted, double fraction) {
    if (sorted.empty()) return 0;
    auto index = static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(index, sorted.size() - 1)];
}

double cpuSeconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Idle: once every session is held (or failed), say so, then wait for stdin's EOF or SIGTERM.
void holdUntilTold(SharedRun& shared, std::uint64_t sessions) {
    while (shared.settled.load() < sessions && !gTerminate) ::usleep(10000);
    std::printf("{\"event\": \"ready\", \"settled\": %llu, \"elapsed_s\": %.6f}\n",
                static_cast<unsigned long long>(shared.settled.load()),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - shared.started).count());
    std::fflush(stdout);
    char buffer[256];
    while (!gTerminate) {
        pollfd input{0, POLLIN, 0};
        if (::poll(&input, 1, 100) > 0 && ::read(0, buffer, sizeof buffer) <= 0) break;
    }
    shared.stop = true;
}

}  // namespace

int main(int argc, char** argv) {
    LoadOptions options;
    try {
        options = parseLoadOptions(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const UsageError& error) {
        std::cerr << "mailwire-load: " << error.what() << "\n" << loadUsage();
        return 2;
    }
    if (options.help) {
        std::cout << loadUsage();
        return 0;
    }
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGTERM, onTerminate);
    std::signal(SIGINT, onTerminate);
    const std::vector<Step> steps = stepsFor(options.mode, options.user, options.password, options.bytes);

    SharedRun shared;
    shared.started = std::chrono::steady_clock::now();
    shared.deadline = shared.started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                           std::chrono::duration<double>(options.durationS));
    shared.sessionsWanted = options.sessions;
    std::vector<RunResult> results(static_cast<std::size_t>(options.threads));
    std::vector<std::string> failures(results.size());
    std::vector<std::thread> threads;
    for (int i = 0; i < options.threads; ++i) {
        int share =
            options.concurrency / options.threads + (i < options.concurrency % options.threads ? 1 : 0);
        threads.emplace_back([&, i, share] {
            try {
                LoadRunner runner(options, steps, shared, share);
                results[static_cast<std::size_t>(i)] = runner.run();
            } catch (const std::exception& error) {
                failures[static_cast<std::size_t>(i)] = error.what();
                shared.stop = true;
            }
        });
    }
    if (options.mode == "idle") holdUntilTold(shared, options.sessions);
    for (auto& thread : threads) thread.join();
    for (const auto& failure : failures) {
        if (!failure.empty()) {
            std::cerr << "mailwire-load: " << failure << "\n";
            return 1;
        }
    }

    RunResult total;
    std::uint64_t errorCount = 0;
    for (auto& result : results) {
        total.completed += result.completed;
        total.held += result.held;
        total.payloadBytes += result.payloadBytes;
        total.finishedS = std::max(total.finishedS, result.finishedS);
        total.latenciesMs.insert(total.latenciesMs.end(), result.latenciesMs.begin(),
                                 result.latenciesMs.end());
        for (const auto& [reason, count] : result.errors) {
            total.errors[reason] += count;
            errorCount += count;
        }
    }
    std::sort(total.latenciesMs.begin(), total.latenciesMs.end());
    std::ostringstream json;
    json.precision(6);
    json << std::fixed << "{\"mode\": " << jsonString(options.mode) << ", \"sessions\": " << total.completed
         << ", \"held\": " << total.held << ", \"errors\": " << errorCount << ", \"error_reasons\": {";
    bool first = true;
    for (const auto& [reason, count] : total.errors) {
        json << (first ? "" : ", ") << jsonString(reason) << ": " << count;
        first = false;
    }
    json << "}, \"elapsed_s\": " << total.finishedS << ", \"bytes\": " << total.payloadBytes
         << ", \"latency_ms\": {\"p50\": " << percentile(total.latenciesMs, 0.50)
         << ", \"p99\": " << percentile(total.latenciesMs, 0.99)
         << ", \"max\": " << (total.latenciesMs.empty() ? 0.0 : total.latenciesMs.back())
         << "}, \"cpu_s\": " << cpuSeconds() << ", \"concurrency\": " << options.concurrency
         << ", \"threads\": " << options.threads << "}\n";
    std::cout << json.str() << std::flush;
    return errorCount == 0 ? 0 : 1;
}
