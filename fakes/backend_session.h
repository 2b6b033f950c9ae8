#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "backend_dialogue.h"
#include "line_splitter.h"
#include "session.h"
#include "socket_connection.h"

namespace mailwire::fake {

// Connects a BackendDialogue to a socket. Received lines are recorded when the dialogue takes them, so the
// transcript follows the script's order; lines never taken are recorded before the connection closes.
class BackendSession : public Session, private SocketConnection::Owner, private DialogueActions {
  public:
    BackendSession(SessionContext context, std::unique_ptr<BackendDialogue> dialogue);
    ~BackendSession() override;

    void start() override;
    void shutdown() override;

  private:
    enum class Waiting { Nothing, Line, Timer, Done };

    void proceed();
    void recordPendingInput();
    void closeSession();
    void resetSession();
    void stall();

    void onReceived(std::string_view bytes) override;
    void onPeerClosed(bool reset) override;
    void onWriteFailed(const std::string& reason) override;
    void onClosed() override;
    void send(const std::string& bytes) override;
    void sendPiece(const std::string& bytes) override;
    void halfClose() override;
    void sendRepeated(const std::string& pattern, std::uint64_t bytes) override;

    SessionContext context_;
    std::unique_ptr<BackendDialogue> dialogue_;
    SocketConnection socket_;
    LineSplitter splitter_;
    std::deque<std::string> pending_;
    std::size_t pendingBytes_ = 0;
    bool peerEof_ = false;
    bool peerReset_ = false;
    bool eofRecorded_ = false;
    bool closed_ = false;
    bool stalled_ = false;
    bool proceeding_ = false;
    Waiting waiting_ = Waiting::Nothing;
    std::uint64_t timer_ = 0;
};

}  // namespace mailwire::fake
