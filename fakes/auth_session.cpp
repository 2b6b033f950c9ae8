#include "auth_session.h"

#include <chrono>

#include "event_loop.h"
#include "transcript.h"

namespace mailwire::fake {

namespace {

// The end of the head (just past CRLF CRLF or LF LF), or npos.
std::size_t headEnd(const std::string& bytes) {
    std::size_t crlf = bytes.find("\r\n\r\n");
    std::size_t lf = bytes.find("\n\n");
    std::size_t end = std::string::npos;
    if (crlf != std::string::npos) end = crlf + 4;
    if (lf != std::string::npos && lf + 2 < end) end = lf + 2;
    return end;
}

}  // namespace

AuthSession::AuthSession(SessionContext context, AuthResponder& responder)
    : context_(std::move(context)), responder_(responder), socket_(context_.loop, context_.fd, *this) {}

AuthSession::~AuthSession() {
    if (timer_) context_.loop.cancelTimer(timer_);
}

void AuthSession::onReceived(std::string_view bytes) {
    if (closed_) return;
    if (headDone_) {
        // Anything after the head (a body, a second request) is recorded but not answered.
        context_.transcript.recv(context_.conn, bytes);
        return;
    }
    head_.append(bytes);
    std::size_t end = headEnd(head_);
    if (end == std::string::npos) {
        if (head_.size() <= kMaxHead) return;
        context_.transcript.recv(context_.conn, head_);
        context_.transcript.error(context_.conn,
                                  "request head longer than " + std::to_string(kMaxHead) + " bytes");
        closeSession();
        return;
    }
    headDone_ = true;
    std::string rest = head_.substr(end);
    head_.resize(end);
    context_.transcript.recv(context_.conn, head_);
    if (!rest.empty()) context_.transcript.recv(context_.conn, rest);
    AuthReply reply = responder_.reply(context_.conn, head_);
    if (reply.kind == AuthReply::Kind::NoResponse) return;
    auto act = [this, reply] {
        timer_ = 0;
        if (reply.kind == AuthReply::Kind::Respond) {
            context_.transcript.send(context_.conn, reply.response);
            socket_.write(reply.response);
        }
        closeSession();
    };
    if (reply.delayMs > 0)
        timer_ = context_.loop.runAfter(std::chrono::milliseconds(reply.delayMs), act);
    else
        act();
}

void AuthSession::onPeerClosed(bool reset) {
    if (closed_) return;
    if (!headDone_ && !head_.empty()) context_.transcript.recv(context_.conn, head_);
    context_.transcript.eof(context_.conn, reset);
    closeSession();
}

void AuthSession::onWriteFailed(const std::string& reason) {
    if (closed_) return;
    context_.transcript.error(context_.conn, reason);
    closed_ = true;
    context_.transcript.close(context_.conn);
}

void AuthSession::closeSession() {
    if (closed_) return;
    closed_ = true;
    if (timer_) context_.loop.cancelTimer(timer_);
    timer_ = 0;
    context_.transcript.close(context_.conn);
    socket_.closeWhenFlushed();
}

void AuthSession::shutdown() {
    if (!closed_) {
        if (!headDone_ && !head_.empty()) context_.transcript.recv(context_.conn, head_);
        closed_ = true;
        context_.transcript.close(context_.conn);
    }
    socket_.closeNow();
}

}  // namespace mailwire::fake
