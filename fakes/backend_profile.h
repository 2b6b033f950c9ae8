#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backend_dialogue.h"

namespace mailwire::fake {

// A ready-made backend personality (`--profile NAME`): a built-in dialogue that behaves like a known server,
// used instead of the protocol's default dialogue. Adding one is a dialogue class plus a row in
// backend_profile.cpp.
struct BackendProfile {
    const char* protocol;     // imap | pop3 | smtp
    const char* name;         // what --profile takes
    const char* description;  // one line for --help
    std::unique_ptr<BackendDialogue> (*dialogue)();
};

// nullptr when `protocol` has no profile called `name`.
const BackendProfile* findBackendProfile(const std::string& protocol, const std::string& name);
// The profiles of `protocol`, in table order (empty for protocols without profiles).
std::vector<const BackendProfile*> backendProfilesFor(const std::string& protocol);
// Every profile, in table order.
const std::vector<BackendProfile>& backendProfiles();

}  // namespace mailwire::fake
