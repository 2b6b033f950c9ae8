#include "pop3/Pop3BackendLogin.h"

#include "pop3/Pop3Replies.h"

namespace mailwire::pop3 {

using mail::BackendStep;

Pop3BackendLogin::Pop3BackendLogin(std::string login, std::string password, bool passErrorMessage)
    : login_(std::move(login)), password_(std::move(password)), passErrorMessage_(passErrorMessage) {}

BackendStep Pop3BackendLogin::send(std::string line, Stage next, const char* action) {
    BackendStep step;
    step.kind = BackendStep::Send;
    step.toBackend = std::move(line);
    step.action = action;
    action_ = action;
    stage_ = next;
    return step;
}

BackendStep Pop3BackendLogin::fail(std::string_view reply) {
    // The logged text is the reply without its final CRLF.
    std::string_view text = reply.substr(0, reply.size() - 2);

    BackendStep step;
    step.kind = BackendStep::Failed;
    step.action = "reading response from upstream";  // nginx judges replies in its read handler
    step.logAsError = !passErrorMessage_;
    if (passErrorMessage_) {
        step.toClient = std::string(reply);  // the whole reply, verbatim
    } else {
        // nginx prints this one as a C string, so it ends at the first NUL byte.
        text = text.substr(0, text.find('\0'));
        step.toClient = replies::kInternalError;
    }
    step.logText = "upstream sent invalid response: \"" + std::string(text) + "\"";
    stage_ = Stage::Finished;
    return step;
}

BackendStep Pop3BackendLogin::onReply(std::string_view reply) {
    if (stage_ == Stage::Finished) {
        BackendStep step;
        step.kind = BackendStep::Failed;
        step.toClient = replies::kInternalError;
        step.logText = "backend login already finished";
        step.action = action_;
        return step;
    }

    BackendStep waiting;
    waiting.action = action_;
    // A reply counts only once it has 4 bytes and ends in CRLF; earlier lines are not looked at.
    if (reply.size() < 4 || reply[reply.size() - 2] != '\r' || reply[reply.size() - 1] != '\n')
        return waiting;
    if (reply.compare(0, 3, replies::kBackendOk) != 0) return fail(reply);

    switch (stage_) {
        case Stage::Greeting:
            return send("USER " + login_ + "\r\n", Stage::User, "sending user name to upstream");
        case Stage::User:
            return send("PASS " + password_ + "\r\n", Stage::Password, "sending password to upstream");
        case Stage::Password: {
            BackendStep done;
            done.kind = BackendStep::Done;
            done.toClient = std::string(reply);
            done.action = action_;
            stage_ = Stage::Finished;
            return done;
        }
        case Stage::Finished:
            break;
    }
    return waiting;
}

}  // namespace mailwire::pop3
