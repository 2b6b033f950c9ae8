#include "backend/Relay.h"

#include <memory>

namespace mailwire::backend {

// Routes one connection's events to the relay.
class Relay::Side : public core::ConnectionHandler {
  public:
    Side(Relay& relay, bool isClient) : relay_(relay), isClient_(isClient) {}
    void onReadable() override {
        if (isClient_) {
            relay_.onClientEvent();
            relay_.copy(relay_.client_, relay_.backend_, relay_.clientToBackend_, relay_.clientEof_);
        } else {
            relay_.copy(relay_.backend_, relay_.client_, relay_.backendToClient_, relay_.backendEof_);
        }
    }
    void onWriteDrained() override {
        if (isClient_) {
            // The client took a write that had blocked: activity (spec 8.8). Bytes the backend pushes to an
            // idle client go out at once, report no drain, and so do not keep the session alive.
            relay_.onClientEvent();
            relay_.drained(relay_.backend_, relay_.backendEof_);
        } else {
            relay_.drained(relay_.client_, relay_.clientEof_);
        }
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
      // Allocated once, when the session reaches proxy mode: no allocation per read on the hot path.
      clientToBackend_(settings.clientToBackendBuffer, '\0'),
      backendToClient_(settings.backendToClientBuffer, '\0'),
      clientSide_(std::make_unique<Side>(*this, true)),
      backendSide_(std::make_unique<Side>(*this, false)) {}

Relay::~Relay() {
    if (idleTimer_ != 0) timers_.cancelTimer(idleTimer_);
    client_.setHandler(nullptr);
    backend_.setHandler(nullptr);
}

void Relay::start(const std::string& pipelined) {
    client_.setHandler(clientSide_.get());
    backend_.setHandler(backendSide_.get());
    if (!pipelined.empty()) backend_.write(pipelined);
    client_.setReadInterest(backend_.pendingWrite() == 0);
    backend_.setReadInterest(true);
    armIdleTimer();
}

void Relay::armIdleTimer() {
    if (idleTimer_ != 0) timers_.cancelTimer(idleTimer_);
    idleTimer_ = timers_.addTimer(settings_.idleTimeout, [this] {
        idleTimer_ = 0;
        end(End::TimedOut, {});
    });
}

void Relay::onClientEvent() {
    if (!ended_) armIdleTimer();
}

void Relay::copy(core::Connection& from, core::Connection& to, std::string& buffer, bool& fromEof) {
    if (ended_ || fromEof) return;
    const core::ReadResult result = from.read(buffer.data(), buffer.size());
    switch (result.status) {
        case core::ReadResult::WouldBlock:
            return;
        case core::ReadResult::Error:
            end(&from == &client_ ? End::ClientReadFailed : End::BackendReadFailed, result.error);
            return;
        case core::ReadResult::Eof:
            // Half-close is not propagated: once what this side sent is delivered, the session is done.
            fromEof = true;
            from.setReadInterest(false);
            if (to.pendingWrite() == 0) end(End::Done, {});
            return;
        case core::ReadResult::Data:
            to.write(std::string_view(buffer.data(), result.bytes));
            // Backpressure: stop reading this side until the other has taken what we have.
            if (to.pendingWrite() > 0) from.setReadInterest(false);
            return;
    }
}

// The other side took everything queued for it: read `from` again, or finish if `from` had closed.
void Relay::drained(core::Connection& from, bool fromEof) {
    if (ended_) return;
    if (fromEof) {
        end(End::Done, {});
        return;
    }
    from.setReadInterest(true);
}

void Relay::end(End how, const std::string& detail) {
    if (ended_) return;
    ended_ = true;
    if (idleTimer_ != 0) timers_.cancelTimer(idleTimer_);
    idleTimer_ = 0;
    finished_(how, detail);  // may destroy this relay: nothing after this line
}

}  // namespace mailwire::backend
