// A scripted core::Connection: tests queue what the peer "sends" and read back what the session wrote.
#pragma once

#include <algorithm>
#include <string>

#include "core/Connection.h"

namespace mailwire::testing {

class FakeConnection : public core::Connection {
  public:
    explicit FakeConnection(std::string peerIp = "127.0.0.1") : peerIp_(std::move(peerIp)) {}

    // --- test side ---
    void peerSends(const std::string& bytes) { inbox_ += bytes; }
    void peerCloses() { eof_ = true; }
    std::string takeWritten() {
        std::string out;
        out.swap(written_);
        return out;
    }
    // Driver: deliver everything queued, as the event loop would while read interest is on.
    void deliver() {
        while (handler_ && !closed_ && readInterest_ && (!inbox_.empty() || (eof_ && !eofSeen_))) {
            const size_t before = inbox_.size();
            const bool eofBefore = eofSeen_;
            handler_->onReadable();
            if (inbox_.size() == before && eofSeen_ == eofBefore) break;  // the session read nothing
        }
    }
    // A slow peer: writes stay pending until kernelTakes() hands them over and reports the drain.
    void holdWrites(bool hold) { holdWrites_ = hold; }
    void kernelTakes() {
        written_ += pending_;
        pending_.clear();
        if (handler_) handler_->onWriteDrained();
    }
    bool closed() const { return closed_; }
    bool readInterest() const { return readInterest_; }
    core::ConnectionHandler* handler() const { return handler_; }

    // --- core::Connection ---
    void setHandler(core::ConnectionHandler* handler) override { handler_ = handler; }
    core::ReadResult read(char* into, size_t capacity) override {
        core::ReadResult result;
        if (!inbox_.empty() && capacity > 0) {
            const size_t n = std::min(capacity, inbox_.size());
            std::copy_n(inbox_.data(), n, into);
            inbox_.erase(0, n);
            result.status = core::ReadResult::Data;
            result.bytes = n;
        } else if (eof_ && inbox_.empty()) {
            eofSeen_ = true;
            result.status = core::ReadResult::Eof;
        }
        return result;
    }
    core::ReadResult peek(char* into, size_t capacity) override {
        core::ReadResult result;
        if (!inbox_.empty() && capacity > 0) {
            const size_t n = std::min(capacity, inbox_.size());
            std::copy_n(inbox_.data(), n, into);
            result.status = core::ReadResult::Data;
            result.bytes = n;
        } else if (eof_) {
            result.status = core::ReadResult::Eof;
        }
        return result;
    }
    void write(std::string_view bytes) override {
        if (closed_) return;
        (holdWrites_ ? pending_ : written_).append(bytes.data(), bytes.size());
    }
    size_t pendingWrite() const override { return pending_.size(); }
    void setReadInterest(bool wanted) override { readInterest_ = wanted; }
    void close() override { closed_ = true; }
    std::string peerIp() const override { return peerIp_; }
    std::string peerText() const override { return peerIp_ + ":40000"; }

  private:
    std::string peerIp_;
    core::ConnectionHandler* handler_ = nullptr;
    std::string inbox_, written_, pending_;
    bool holdWrites_ = false;
    bool eof_ = false, eofSeen_ = false, closed_ = false, readInterest_ = false;
};

}  // namespace mailwire::testing
