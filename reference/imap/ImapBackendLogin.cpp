#include "imap/ImapBackendLogin.h"

#include "imap/ImapReplies.h"

namespace mailwire::imap {

using mail::BackendStep;

ImapBackendLogin::ImapBackendLogin(std::string tag, std::string login, std::string password,
                                   bool passErrorMessage)
    : tag_(std::move(tag)),
      login_(std::move(login)),
      password_(std::move(password)),
      passErrorMessage_(passErrorMessage) {}

BackendStep ImapBackendLogin::send(std::string line, Stage next, const char* action) {
    BackendStep step;
    step.kind = BackendStep::Send;
    step.toBackend = std::move(line);
    step.action = action;
    action_ = action;
    stage_ = next;
    return step;
}

BackendStep ImapBackendLogin::fail(std::string_view reply, size_t textStart) {
    // The logged text starts after a skipped untagged line and a matched tag; the final CRLF is dropped.
    const size_t textEnd = reply.size() - 2;
    std::string_view text =
        textStart < textEnd ? reply.substr(textStart, textEnd - textStart) : std::string_view();

    BackendStep step;
    step.kind = BackendStep::Failed;
    step.action = "reading response from upstream";  // nginx judges replies in its read handler
    step.logAsError = !passErrorMessage_;
    if (passErrorMessage_) {
        step.toClient = std::string(reply);  // the whole reply, untagged line and all
    } else {
        // nginx prints this one as a C string, so it ends at the first NUL byte.
        text = text.substr(0, text.find('\0'));
        step.toClient = replies::kInternalError;
    }
    step.logText = "upstream sent invalid response: \"" + std::string(text) + "\"";
    stage_ = Stage::Finished;
    return step;
}

BackendStep ImapBackendLogin::onReply(std::string_view reply) {
    BackendStep waiting;
    waiting.action = action_;

    if (stage_ == Stage::Finished) {
        BackendStep step;
        step.kind = BackendStep::Failed;
        step.toClient = replies::kInternalError;
        step.logText = "backend login already finished";
        step.action = action_;
        return step;
    }
    // A reply counts only once it has 4 bytes and ends in CRLF; earlier lines are not looked at.
    if (reply.size() < 4 || reply[reply.size() - 2] != '\r' || reply[reply.size() - 1] != '\n')
        return waiting;

    switch (stage_) {
        case Stage::Greeting:
            if (reply.substr(0, 4) != "* OK") return fail(reply, 0);
            return send(tag_ + "LOGIN {" + std::to_string(login_.size()) + "}\r\n", Stage::LoginCommand,
                        "sending LOGIN command to upstream");

        case Stage::LoginCommand:
            if (reply[0] != '+') return fail(reply, 0);
            return send(login_ + " {" + std::to_string(password_.size()) + "}\r\n", Stage::UserName,
                        "sending user name to upstream");

        case Stage::UserName:
            if (reply[0] != '+') return fail(reply, 0);
            return send(password_ + "\r\n", Stage::Password, "sending password to upstream");

        case Stage::Password: {
            size_t p = 0;
            // One untagged line (e.g. "* CAPABILITY ...") may come before the tagged reply (nginx >= 1.27.3).
            if (reply[0] == '*' && reply[1] == ' ') {
                p = 2;
                while (p + 1 < reply.size()) {
                    if (reply[p] == '\r' && reply[p + 1] == '\n') {
                        p += 2;
                        break;
                    }
                    ++p;
                }
                if (reply.size() - p < 4) return waiting;
            }
            if (reply.size() - p >= tag_.size() && reply.compare(p, tag_.size(), tag_) == 0) {
                p += tag_.size();
                if (p + 2 <= reply.size() && reply[p] == 'O' && reply[p + 1] == 'K') {
                    BackendStep done;
                    done.kind = BackendStep::Done;
                    done.toClient = std::string(reply);
                    done.action = action_;
                    stage_ = Stage::Finished;
                    return done;
                }
            }
            return fail(reply, p);
        }

        case Stage::Finished:
            break;
    }
    return waiting;
}

}  // namespace mailwire::imap
