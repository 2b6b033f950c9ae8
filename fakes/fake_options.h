#pragma once

#include <string>
#include <vector>

namespace mailwire::fake {

// What the command line asks for (docs/fake-protocol.md, "Command line").
struct FakeOptions {
    std::string protocol;                    // imap | auth (pop3, smtp, dns later)
    std::vector<std::string> listen;         // HOST:PORT, at least one
    std::string scriptPath;                  // empty: the protocol's default script
    std::string profile;                     // --profile: a built-in backend instead of the default script
    std::string transcriptPath;              // empty: no transcript
    std::string portFile;                    // empty: none
    std::string backend = "127.0.0.1:1143";  // auth default script: where good logins go
    bool help = false;
};

}  // namespace mailwire::fake
