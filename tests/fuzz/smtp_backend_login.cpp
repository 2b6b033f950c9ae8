// The proxy's SMTP login to the backend (EHLO/HELO, XCLIENT, MAIL/RCPT, AUTH PLAIN), fed arbitrary backend
// replies across reads. Input: [settings bits] [facts bits] [login] [password] [split seed] [backend
// bytes...]
#include "BackendStream.h"
#include "smtp/SmtpBackendLogin.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mailwire;
    fuzz::FuzzInput input(data, size);
    const uint8_t settingBits = input.byte();
    const uint8_t factBits = input.byte();
    smtp::SmtpBackendSettings settings;
    settings.serverName = "mail.example.com";
    settings.xclient = settingBits & 1;
    settings.proxySmtpAuth = settingBits & 2;
    settings.passErrorMessage = settingBits & 4;
    smtp::SmtpLoginFacts facts;
    facts.esmtp = factBits & 1;
    facts.clientHelo = (factBits & 2) ? "client.example.com" : "";
    facts.none = factBits & 4;
    if (facts.none) {
        facts.mailLine = "MAIL FROM:<a@example.com>";
        facts.rcptLine = "RCPT TO:<b@example.com>";
    }
    facts.passwordAvailable = !(factBits & 8);
    facts.login = fuzz::pickCredential(input.byte());
    facts.password = fuzz::pickCredential(input.byte());
    facts.clientIp = (factBits & 16) ? "::1" : "127.0.0.1";
    facts.clientHost = (factBits & 32) ? "[UNAVAILABLE]" : "client.example.com";
    const uint8_t splitSeed = input.byte();
    smtp::SmtpBackendLogin backend(settings, facts);
    const std::string xclient = backend.xclientLine();
    if (!fuzz::endsWithCrlf(xclient) || xclient.find_first_of("\r\n") != xclient.size() - 2)
        fuzz::violated("XCLIENT is not one line", xclient);
    fuzz::runBackendStream(backend, input.rest(), splitSeed, (settingBits & 8) ? 64 : 4096);
    return 0;
}
