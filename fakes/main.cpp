// mailwire-fake: scriptable fake mail backends and auth_http server (docs/fake-protocol.md).
#include <csignal>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command_line.h"
#include "fake_server.h"
#include "port_file.h"
#include "script_error.h"

namespace {

mailwire::fake::FakeServer* runningServer = nullptr;

extern "C" void stopOnSignal(int) {
    if (runningServer) runningServer->requestStop();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace mailwire::fake;
    const auto start = Transcript::Clock::now();
    FakeOptions options;
    try {
        options = parseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const UsageError& e) {
        std::cerr << "mailwire-fake: " << e.what() << "\n(see mailwire-fake --help)\n";
        return 2;
    }
    if (options.help) {
        std::cout << usageText();
        return 0;
    }
    std::unique_ptr<FakeServer> server;
    try {
        auto transcript = options.transcriptPath.empty()
                              ? Transcript::discarding(start)
                              : Transcript::appendingTo(options.transcriptPath, start);
        server = std::make_unique<FakeServer>(options, std::move(transcript));
        // Handlers first: whoever reads the port file may signal us at once.
        runningServer = server.get();
        std::signal(SIGPIPE, SIG_IGN);
        std::signal(SIGTERM, stopOnSignal);
        std::signal(SIGINT, stopOnSignal);
        if (!options.portFile.empty()) writePortFile(options.portFile, server->ports().front());
    } catch (const ScriptError& e) {
        std::cerr << "mailwire-fake: bad script: " << e.what() << "\n";
        return 2;
    } catch (const std::invalid_argument& e) {
        std::cerr << "mailwire-fake: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "mailwire-fake: " << e.what() << "\n";
        return 1;
    }
    server->run();
    return 0;
}
