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
    reply_ = responder_.reply(context_.conn, head_);
    if (reply_.kind == AuthReply::Kind::NoResponse) return;
    if (reply_.delayMs > 0)
        timer_ = context_.loop.runAfter(std::chrono::milliseconds(reply_.delayMs), [this] {
            timer_ = 0;
            act();
        });
    else
        act();
}

void AuthSession::act() {
    if (reply_.kind == AuthReply::Kind::CloseWithoutResponse)
        closeSession();
    else if (reply_.kind == AuthReply::Kind::Reset)
        resetSession();
    else
        writeResponse();
}

void AuthSession::writeResponse() {
    const SplitSend& split = reply_.split;
    if (!split.splits()) {
        context_.transcript.send(context_.conn, reply_.response);
        socket_.write(reply_.response);
        finishResponse();
        return;
    }
    for (;;) {
        std::size_t length = split.pieceLength(piece_, sentBytes_, reply_.response.size());
        std::string piece = reply_.response.substr(sentBytes_, length);
        ++piece_;
        sentBytes_ += length;
        context_.transcript.send(context_.conn, piece, true);
        socket_.writePiece(piece);
        if (closed_) return;  // the write failed
        if (sentBytes_ >= reply_.response.size()) {
            finishResponse();
            return;
        }
        if (split.gapMs > 0) {
            timer_ = context_.loop.runAfter(std::chrono::milliseconds(split.gapMs), [this] {
                timer_ = 0;
                writeResponse();
            });
            return;
        }
    }
}

void AuthSession::finishResponse() {
    // A write that failed has closed the session already.
    if (closed_) return;
    switch (reply_.after) {
        case AuthReply::After::Close:
            closeSession();
            break;
        case AuthReply::After::Reset:
            resetSession();
            break;
        case AuthReply::After::Stall:
            context_.transcript.stall(context_.conn);
            socket_.setReading(false);
            break;
        case AuthReply::After::HalfClose:
            // Reading goes on: the proxy's close ends the connection (onPeerClosed).
            context_.transcript.halfClose(context_.conn);
            socket_.shutdownWriteWhenFlushed();
            break;
    }
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

void AuthSession::resetSession() {
    if (closed_) return;
    closed_ = true;
    context_.transcript.reset(context_.conn);
    context_.transcript.close(context_.conn);
    socket_.resetWhenFlushed();
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
