#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backend_dialogue.h"

namespace mailwire::fake {

// A line-based mail protocol the fake can play the backend for. They share the script engine and differ
// only in what they do without --script; pop3 and smtp slot in here.
struct BackendProtocol {
    std::string name;
    std::unique_ptr<BackendDialogue> (*defaultDialogue)();
};

// nullptr when `name` is not a backend protocol.
const BackendProtocol* findBackendProtocol(const std::string& name);
std::vector<std::string> backendProtocolNames();

}  // namespace mailwire::fake
