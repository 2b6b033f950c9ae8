#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mailwire::load {

// What the command line asks for (mailwire-load --help).
struct LoadOptions {
    std::string mode;  // imap-login | pop3-login | smtp-session | smtp-data | imap-fetch | pop3-retr | idle
    std::string host = "127.0.0.1";
    int port = 0;
    int concurrency = 1;         // sessions in flight (idle: sessions being opened at once)
    int threads = 1;             // event loops, each with its share of the concurrency
    double durationS = 0;        // run sessions back to back for this long (0: use `sessions`)
    std::uint64_t sessions = 0;  // total sessions (idle: sessions to hold)
    std::uint64_t bytes = 0;     // payload per session for smtp-data, imap-fetch, pop3-retr
    std::string user = "good";
    std::string password = "secret";
    double timeoutS = 60;  // a session silent for this long fails
    bool help = false;
};

class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

LoadOptions parseLoadOptions(const std::vector<std::string>& arguments);
std::string loadUsage();

}  // namespace mailwire::load
