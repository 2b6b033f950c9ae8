// The IMAP client codec over an arbitrary client byte stream, cut into arbitrary reads.
// Input: [options byte (ClientOptions)] [split seed] [client bytes...]
#include "ClientStream.h"
#include "imap/ImapClientProtocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mailwire;
    fuzz::FuzzInput input(data, size);
    const fuzz::ClientOptions options(input.byte());
    const uint8_t splitSeed = input.byte();
    config::ServerConfig server;
    options.applyCommon(server);
    server.imapAuth = options.authMethods | config::kAuthLogin;
    if (options.smallBuffer) server.imapClientBuffer = 64;
    imap::ImapClientProtocol protocol(server, [] { return std::string("<1.2@mail.example.com>"); });
    fuzz::runClientStream(protocol, options, input.rest(), splitSeed);
    return 0;
}
