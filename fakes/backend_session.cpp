#include "backend_session.h"

#include <chrono>
#include <vector>

#include "event_loop.h"
#include "transcript.h"

namespace mailwire::fake {

namespace {
// Unread input beyond this pauses reading until the script catches up.
constexpr std::size_t kMaxPendingBytes = 1024 * 1024;
}  // namespace

BackendSession::BackendSession(SessionContext context, std::unique_ptr<BackendDialogue> dialogue)
    : context_(std::move(context)),
      dialogue_(std::move(dialogue)),
      socket_(context_.loop, context_.fd, *this) {}

BackendSession::~BackendSession() {
    if (timer_) context_.loop.cancelTimer(timer_);
}

void BackendSession::start() { proceed(); }

void BackendSession::proceed() {
    // Sends can fail and report back synchronously; never re-enter the dialogue.
    if (proceeding_) return;
    proceeding_ = true;
    while (!closed_ && !stalled_) {
        DialogueNeed need = dialogue_->run(*this);
        if (closed_) break;
        if (need.kind == DialogueNeed::Kind::Line) {
            if (!pending_.empty()) {
                std::string line = std::move(pending_.front());
                pending_.pop_front();
                pendingBytes_ -= line.size();
                socket_.setReading(pendingBytes_ < kMaxPendingBytes);
                context_.transcript.recv(context_.conn, line);
                dialogue_->takeLine(line);
                continue;
            }
            if (peerEof_) {
                if (!eofRecorded_) context_.transcript.eof(context_.conn, peerReset_);
                eofRecorded_ = true;
                dialogue_->takeEof();
                continue;
            }
            waiting_ = Waiting::Line;
        } else if (need.kind == DialogueNeed::Kind::Timer) {
            waiting_ = Waiting::Timer;
            timer_ = context_.loop.runAfter(std::chrono::milliseconds(need.ms), [this] {
                timer_ = 0;
                waiting_ = Waiting::Nothing;
                dialogue_->timerFired();
                proceed();
            });
        } else if (need.kind == DialogueNeed::Kind::Done) {
            waiting_ = Waiting::Done;
            recordPendingInput();
            socket_.setReading(true);
            if (peerEof_) closeSession();
        } else if (need.kind == DialogueNeed::Kind::Reset) {
            resetSession();
        } else if (need.kind == DialogueNeed::Kind::Stall) {
            stall();
        } else {
            closeSession();
        }
        break;
    }
    proceeding_ = false;
}

void BackendSession::recordPendingInput() {
    for (const auto& line : pending_) context_.transcript.recv(context_.conn, line);
    pending_.clear();
    pendingBytes_ = 0;
    if (peerEof_ && !eofRecorded_) {
        context_.transcript.eof(context_.conn, peerReset_);
        eofRecorded_ = true;
    }
}

void BackendSession::closeSession() {
    if (closed_) return;
    recordPendingInput();
    closed_ = true;
    if (timer_) context_.loop.cancelTimer(timer_);
    timer_ = 0;
    context_.transcript.close(context_.conn);
    socket_.closeWhenFlushed();
}

void BackendSession::resetSession() {
    if (closed_) return;
    recordPendingInput();
    closed_ = true;
    if (timer_) context_.loop.cancelTimer(timer_);
    timer_ = 0;
    context_.transcript.reset(context_.conn);
    context_.transcript.close(context_.conn);
    socket_.resetWhenFlushed();
}

void BackendSession::stall() {
    // What was already read is recorded now; what the peer sends from here on stays in the kernel's buffers.
    recordPendingInput();
    stalled_ = true;
    waiting_ = Waiting::Nothing;
    context_.transcript.stall(context_.conn);
    socket_.setReading(false);
}

void BackendSession::onReceived(std::string_view bytes) {
    std::vector<std::string> lines;
    splitter_.feed(bytes, lines);
    for (auto& line : lines) {
        pendingBytes_ += line.size();
        pending_.push_back(std::move(line));
    }
    if (pendingBytes_ >= kMaxPendingBytes) socket_.setReading(false);
    if (waiting_ == Waiting::Line || waiting_ == Waiting::Done) proceed();
}

void BackendSession::onPeerClosed(bool reset) {
    std::string rest = splitter_.takeRest();
    if (!rest.empty()) {
        pendingBytes_ += rest.size();
        pending_.push_back(std::move(rest));
    }
    peerEof_ = true;
    peerReset_ = reset;
    if (waiting_ == Waiting::Line || waiting_ == Waiting::Done) proceed();
}

void BackendSession::onWriteFailed(const std::string& reason) {
    if (closed_) return;
    recordPendingInput();
    context_.transcript.error(context_.conn, reason);
    closed_ = true;
    if (timer_) context_.loop.cancelTimer(timer_);
    timer_ = 0;
    context_.transcript.close(context_.conn);
}

void BackendSession::onClosed() { context_.release(); }

void BackendSession::send(const std::string& bytes) {
    if (closed_) return;
    context_.transcript.send(context_.conn, bytes);
    socket_.write(bytes);
}

void BackendSession::sendRepeated(const std::string& pattern, std::uint64_t bytes) {
    if (closed_) return;
    if (context_.transcript.records()) {
        DialogueActions::sendRepeated(pattern, bytes);  // the transcript shows every byte
        return;
    }
    socket_.writeRepeated(pattern, bytes);
}

void BackendSession::sendPiece(const std::string& bytes) {
    if (closed_) return;
    context_.transcript.send(context_.conn, bytes, true);
    socket_.writePiece(bytes);
}

void BackendSession::halfClose() {
    if (closed_) return;
    context_.transcript.halfClose(context_.conn);
    socket_.shutdownWriteWhenFlushed();
}

void BackendSession::shutdown() {
    if (closed_) {
        socket_.closeNow();
        return;
    }
    recordPendingInput();
    closed_ = true;
    context_.transcript.close(context_.conn);
    socket_.closeNow();
}

}  // namespace mailwire::fake
