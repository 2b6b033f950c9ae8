// The SMTP client codec over an arbitrary client byte stream, cut into arbitrary reads.
// Input: [options byte (ClientOptions; bits 0-1 = 3 means smtp_auth none)] [split seed] [client bytes...]
#include "ClientStream.h"
#include "smtp/SmtpClientProtocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mailwire;
    fuzz::FuzzInput input(data, size);
    const uint8_t bits = input.byte();
    const fuzz::ClientOptions options(bits);
    const uint8_t splitSeed = input.byte();
    config::ServerConfig server;
    server.protocol = config::Protocol::Smtp;
    options.applyCommon(server);
    server.smtpAuth = options.authMethods | config::kAuthLogin;
    if ((bits & 3) == 3) server.smtpAuth = config::kAuthNone;
    if (options.smallBuffer) server.smtpClientBuffer = 64;
    smtp::SmtpClientProtocol protocol(server, [] { return std::string("<1.2@mail.example.com>"); });
    if (!protocol.wantsClientHost()) fuzz::violated("SMTP always resolves the client host");
    fuzz::checkReply("rejected before greeting", protocol.rejectedBeforeGreetingReply());
    fuzz::runClientStream(protocol, options, input.rest(), splitSeed);
    return 0;
}
