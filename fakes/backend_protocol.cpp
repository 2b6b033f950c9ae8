#include "backend_protocol.h"

#include "imap_default_dialogue.h"
#include "pop3_default_dialogue.h"
#include "smtp_default_dialogue.h"

namespace mailwire::fake {

namespace {

const BackendProtocol kProtocols[] = {
    {"imap", []() -> std::unique_ptr<BackendDialogue> { return std::make_unique<ImapDefaultDialogue>(); }},
    {"pop3", []() -> std::unique_ptr<BackendDialogue> { return std::make_unique<Pop3DefaultDialogue>(); }},
    {"smtp", []() -> std::unique_ptr<BackendDialogue> { return std::make_unique<SmtpDefaultDialogue>(); }},
};

}  // namespace

const BackendProtocol* findBackendProtocol(const std::string& name) {
    for (const auto& protocol : kProtocols)
        if (protocol.name == name) return &protocol;
    return nullptr;
}

std::vector<std::string> backendProtocolNames() {
    std::vector<std::string> names;
    for (const auto& protocol : kProtocols) names.push_back(protocol.name);
    return names;
}

}  // namespace mailwire::fake
