// The proxy's IMAP login to the backend, fed arbitrary backend replies across reads.
// Input: [options: bit 0 pass_error_message, bit 1 a 64-byte proxy_buffer] [login] [password] [split seed]
// [backend bytes...]
#include "BackendStream.h"
#include "imap/ImapBackendLogin.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mailwire;
    fuzz::FuzzInput input(data, size);
    const uint8_t options = input.byte();
    const std::string login = fuzz::pickCredential(input.byte());
    const std::string password = fuzz::pickCredential(input.byte());
    const uint8_t splitSeed = input.byte();
    imap::ImapBackendLogin backend("a1 ", login, password, options & 1);
    fuzz::runBackendStream(backend, input.rest(), splitSeed, (options & 2) ? 64 : 4096);
    return 0;
}
