#include "fake_server.h"

#include <stdexcept>

#include "auth_session.h"
#include "backend_profile.h"
#include "backend_protocol.h"
#include "backend_session.h"
#include "scripted_dialogue.h"

namespace mailwire::fake {

FakeServer::FakeServer(const FakeOptions& options, std::unique_ptr<Transcript> transcript)
    : transcript_(std::move(transcript)) {
    if (options.protocol == "dns") {
        dnsServer_ = std::make_unique<DnsServer>(
            loop_, *transcript_,
            options.scriptPath.empty() ? DnsScript{} : DnsScript::fromFile(options.scriptPath));
        for (const auto& address : options.listen) dnsServer_->listen(address);
        return;
    }
    SessionFactory factory;
    if (options.protocol == "auth") {
        if (options.scriptPath.empty())
            authResponder_ = std::make_unique<DefaultAuthResponder>(options.backend);
        else
            authResponder_ =
                std::make_unique<ScriptedAuthResponder>(AuthScript::fromFile(options.scriptPath));
        factory = [this](SessionContext context) -> std::unique_ptr<Session> {
            return std::make_unique<AuthSession>(std::move(context), *authResponder_);
        };
    } else if (const BackendProtocol* protocol = findBackendProtocol(options.protocol)) {
        if (!options.scriptPath.empty())
            mailScript_ = std::make_unique<MailScript>(MailScript::fromFile(options.scriptPath));
        auto unscriptedDialogue = protocol->defaultDialogue;
        if (!options.profile.empty()) {
            const BackendProfile* profile = findBackendProfile(options.protocol, options.profile);
            if (!profile)
                throw std::invalid_argument("unknown " + options.protocol + " profile \"" + options.profile +
                                            "\"");
            unscriptedDialogue = profile->dialogue;
        }
        factory = [this, unscriptedDialogue](SessionContext context) -> std::unique_ptr<Session> {
            std::unique_ptr<BackendDialogue> dialogue;
            if (mailScript_)
                dialogue = std::make_unique<ScriptedDialogue>(mailScript_->forConnection(context.conn));
            else
                dialogue = unscriptedDialogue();
            return std::make_unique<BackendSession>(std::move(context), std::move(dialogue));
        };
    } else {
        throw std::invalid_argument("unknown fake protocol \"" + options.protocol + "\"");
    }
    server_ = std::make_unique<TcpServer>(loop_, *transcript_, std::move(factory));
    for (const auto& address : options.listen) server_->listen(address);
}

FakeServer::~FakeServer() = default;

void FakeServer::run() {
    loop_.run();
    if (server_) server_->shutdown();
}

}  // namespace mailwire::fake
