// The fakes' JSON script parsers (backend, auth and DNS scripts) on arbitrary text: each either builds its
// script or throws ScriptError naming what is wrong; no other exception, no crash.
#include "FuzzInput.h"
#include "auth_script.h"
#include "dns_script.h"
#include "mail_script.h"
#include "script_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mailwire;
    fuzz::FuzzInput input(data, size);
    const uint8_t kind = input.byte();
    const std::string text(input.rest());
    try {
        switch (kind % 3) {
            case 0: {
                const fake::MailScript script = fake::MailScript::fromJson(text, "fuzz.json");
                for (size_t i = 0; i < script.connections.size() + 1; ++i)
                    script.forConnection(static_cast<int>(i) + 1);
                break;
            }
            case 1: {
                const fake::AuthScript script = fake::AuthScript::fromJson(text, "fuzz.json");
                for (size_t i = 0; i < script.requests.size() + 1; ++i)
                    script.forRequest(static_cast<int>(i) + 1);
                break;
            }
            default: {
                const fake::DnsScript script = fake::DnsScript::fromJson(text, "fuzz.json");
                script.find("1.0.0.127.in-addr.arpa", 12);
                break;
            }
        }
    } catch (const fake::ScriptError& e) {
        if (std::string(e.what()).empty()) fuzz::violated("a script error without a message");
    }
    return 0;
}
