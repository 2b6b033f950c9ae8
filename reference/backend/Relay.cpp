#include "backend/Relay.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "core/ScratchBuffer.h"
#include "core/TcpConnection.h"

namespace mailwire::backend {

namespace {

// Splices (each up to the pipe's capacity) one event may make before other sessions get a turn.
constexpr int kRoundsPerEvent = 4;

std::string failedCall(const char* call, int err) {
    return std::string(call) + " failed (" + std::to_string(err) + ": " + std::strerror(err) + ")";
}

core::TcpConnection* plainTcp(core::Connection& connection) {
    return dynamic_cast<core::TcpConnection*>(&connection);
}

}  // namespace

// Routes one connection's events to the relay.
class Relay::Side : public core::ConnectionHandler {
  public:
    Side(Relay& relay, bool isClient) : relay_(relay), isClient_(isClient) {}
    void onReadable() override {
        if (isClient_) relay_.noteClientActivity();
        relay_.pump(isClient_ ? relay_.upstream_ : relay_.downstream_);
    }
    void onWriteDrained() override {
        // The client took a write that had blocked: activity (spec 8.8). Bytes the backend pushes to an idle
        // client go out at once, report no drain, and so do not keep the session alive.
        if (isClient_) relay_.noteClientActivity();
        relay_.toDrained(isClient_ ? relay_.downstream_ : relay_.upstream_);
    }
    void onWriteFailed(const std::string& error) override {
        relay_.end(isClient_ ? End::ClientWriteFailed : End::BackendWriteFailed, error);
    }

  private:
    Relay& relay_;
    bool isClient_;
};

Relay::Relay(core::Connection& client, core::Connection& backend, core::Timers& timers, Settings settings,
             Finished finished)
    : client_(client),
      backend_(backend),
      timers_(timers),
      settings_(settings),
      finished_(std::move(finished)),
      upstream_{client, backend, nullptr, nullptr, settings.clientToBackendBuffer, true, false, false, {}},
      downstream_{backend, client, nullptr, nullptr, settings.backendToClientBuffer, false, false, false, {}},
      clientSide_(std::make_unique<Side>(*this, true)),
      backendSide_(std::make_unique<Side>(*this, false)) {
    core::TcpConnection* clientTcp = plainTcp(client);
    core::TcpConnection* backendTcp = plainTcp(backend);
    if (clientTcp && backendTcp) {
        upstream_.spliceFrom = downstream_.spliceTo = clientTcp;
        upstream_.spliceTo = downstream_.spliceFrom = backendTcp;
    }
}

Relay::~Relay() {
    if (idleTimer_ != 0) timers_.cancelTimer(idleTimer_);
    client_.setHandler(nullptr);
    backend_.setHandler(nullptr);
    SplicePipes::forThisWorker().release(upstream_.pipe);
    SplicePipes::forThisWorker().release(downstream_.pipe);
}

void Relay::start(const std::string& pipelined) {
    client_.setHandler(clientSide_.get());
    backend_.setHandler(backendSide_.get());
    if (!pipelined.empty()) backend_.write(pipelined);
    client_.setReadInterest(backend_.pendingWrite() == 0);
    backend_.setReadInterest(true);
    lastClientActivity_ = timers_.now();
    armIdleTimer(settings_.idleTimeout);
}

// The timer is not moved at every client event (that was a cancel and an insert per read): it fires at the
// first deadline and, if the client has been active since, sleeps again until the new one.
void Relay::noteClientActivity() {
    if (!ended_) lastClientActivity_ = timers_.now();
}

void Relay::armIdleTimer(core::Millis after) {
    idleTimer_ = timers_.addTimer(after, [this] {
        idleTimer_ = 0;
        onIdleTimer();
    });
}

void Relay::onIdleTimer() {
    const auto deadline = lastClientActivity_ + settings_.idleTimeout;
    const auto now = timers_.now();
    if (now < deadline) {
        armIdleTimer(std::chrono::ceil<core::Millis>(deadline - now));
        return;
    }
    end(End::TimedOut, {});
}

void Relay::pump(Direction& d) {
    if (ended_ || d.fromEof) return;
    if (!d.spliceFrom || !d.bulk) {
        // A burst starts with an ordinary read into the shared buffer: a command or a reply of a few bytes
        // costs less as recv()+send() than as two splices. A read that fills the buffer means bulk: the rest
        // of the burst goes by splice.
        std::weak_ptr<bool> alive = alive_;
        const size_t moved = copyOnce(d);  // may end (and destroy) the relay
        if (!alive.lock() || ended_ || !d.spliceFrom || moved < d.bufferSize) return;
        d.bulk = true;
    }
    for (int round = 0; round < kRoundsPerEvent; ++round) {
        if (!deliverHeld(d) || !spliceIn(d)) return;
        if (!d.spliceFrom->readReady()) {
            deliverHeld(d);
            return;
        }
    }
    // More may be waiting: the connection announces it again on the next turn, after other sessions.
    deliverHeld(d);
}

// Hands what the pipe holds to the other side. False when it cannot take it all now (reading `from` then
// pauses until the drain) or the relay ended.
bool Relay::deliverHeld(Direction& d) {
    if (ended_) return false;
    if (d.to.pendingWrite() > 0) {  // bytes queued before the relay (the login reply) go first
        d.from.setReadInterest(false);
        return false;
    }
    while (d.pipe.held > 0) {
        const ssize_t n = ::splice(d.pipe.readEnd, nullptr, d.spliceTo->fd(), nullptr, d.pipe.held,
                                   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0) {
            d.pipe.held -= static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            d.spliceTo->sawWriteWouldBlock();  // its drain calls toDrained()
            d.from.setReadInterest(false);
            return false;
        }
        end(d.fromIsClient ? End::BackendWriteFailed : End::ClientWriteFailed, failedCall("send()", errno));
        return false;
    }
    SplicePipes::forThisWorker().release(d.pipe);
    return true;
}

// Moves one burst from `from` into a pipe. False when there was nothing to read, `from` closed, or it failed.
bool Relay::spliceIn(Direction& d) {
    if (!SplicePipes::forThisWorker().acquire(d.pipe)) {
        d.spliceFrom = nullptr;  // out of descriptors: copy from now on
        d.spliceTo = nullptr;
        return copyOnce(d) > 0;
    }
    const ssize_t n = ::splice(d.spliceFrom->fd(), nullptr, d.pipe.writeEnd, nullptr, d.pipe.capacity,
                               SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
        // A short splice does not prove the socket empty (the pipe may have run out of slots first): only
        // EAGAIN ends the burst.
        d.pipe.held = static_cast<size_t>(n);
        return true;
    }
    SplicePipes::forThisWorker().release(d.pipe);
    if (n == 0) {
        fromClosed(d);
        return false;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        d.spliceFrom->sawReadWouldBlock();
        d.bulk = false;  // the burst is over: the next one starts with a plain read
        return false;
    }
    if (errno == EINTR) return false;
    end(d.fromIsClient ? End::ClientReadFailed : End::BackendReadFailed, failedCall("recv()", errno));
    return false;
}

// The copying path: one read, as much as the configured buffer holds. Returns the bytes read and handed to
// the other side in full (0 when nothing was read, or the other side could not take it all now).
size_t Relay::copyOnce(Direction& d) {
    if (ended_ || d.fromEof) return 0;
    char* buffer = core::scratchBuffer(d.bufferSize);
    const core::ReadResult result = d.from.read(buffer, d.bufferSize);
    switch (result.status) {
        case core::ReadResult::WouldBlock:
            return 0;
        case core::ReadResult::Error:
            end(d.fromIsClient ? End::ClientReadFailed : End::BackendReadFailed, result.error);
            return 0;
        case core::ReadResult::Eof:
            fromClosed(d);
            return 0;
        case core::ReadResult::Data: {
            std::weak_ptr<bool> alive = alive_;
            d.to.write(std::string_view(buffer, result.bytes));  // a failed write may end (and destroy) us
            if (!alive.lock() || ended_) return 0;
            // Backpressure: stop reading this side until the other has taken what we have.
            if (d.to.pendingWrite() > 0) {
                d.from.setReadInterest(false);
                return 0;
            }
            return result.bytes;
        }
    }
    return 0;
}

// Half-close is not propagated: once what this side sent is delivered, the session is done.
void Relay::fromClosed(Direction& d) {
    d.fromEof = true;
    d.from.setReadInterest(false);
    if (d.to.pendingWrite() == 0 && d.pipe.held == 0) end(End::Done, {});
}

// The other side took everything queued for it: deliver what the pipe still holds, then read `from` again,
// or finish if `from` had closed.
void Relay::toDrained(Direction& d) {
    if (ended_) return;
    if (d.spliceTo && !deliverHeld(d)) return;
    if (d.to.pendingWrite() > 0) return;
    if (d.fromEof) {
        end(End::Done, {});
        return;
    }
    d.from.setReadInterest(true);
}

void Relay::end(End how, const std::string& detail) {
    if (ended_) return;
    ended_ = true;
    if (idleTimer_ != 0) timers_.cancelTimer(idleTimer_);
    idleTimer_ = 0;
    finished_(how, detail);  // may destroy this relay: nothing after this line
}

}  // namespace mailwire::backend
