// The POP3 client codec over an arbitrary client byte stream, cut into arbitrary reads.
// Input: [options byte (ClientOptions; APOP with CRAM-MD5)] [split seed] [client bytes...]
#include "ClientStream.h"
#include "pop3/Pop3ClientProtocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mailwire;
    fuzz::FuzzInput input(data, size);
    const fuzz::ClientOptions options(input.byte());
    const uint8_t splitSeed = input.byte();
    config::ServerConfig server;
    server.protocol = config::Protocol::Pop3;
    options.applyCommon(server);
    server.pop3Auth = options.authMethods | config::kAuthLogin;
    if (options.authMethods & config::kAuthCramMd5) server.pop3Auth |= config::kAuthApop;
    pop3::Pop3ClientProtocol protocol(server, [] { return std::string("<1.2@mail.example.com>"); });
    fuzz::runClientStream(protocol, options, input.rest(), splitSeed);
    return 0;
}
