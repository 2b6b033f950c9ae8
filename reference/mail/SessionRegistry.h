// Owns every live session of a worker; the process layer hands it accepted connections.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "backend/BackendConnector.h"
#include "config/MailConfig.h"
#include "core/EventLoop.h"
#include "core/Log.h"
#include "core/TcpConnection.h"
#include "mail/ProtocolFactory.h"
#include "tls/TlsContext.h"

namespace mailwire::mail {

class Session;

class SessionRegistry {
  public:
    SessionRegistry(core::EventLoop& loop, core::Log& log);
    ~SessionRegistry();

    // The listen directive a connection came through.
    struct Listen {
        std::string text;  // as nginx prints it: "127.0.0.1:1143", "unix:/run/imap.sock"
        bool ssl = false;
        bool proxyProtocol = false;
    };
    // `log` is the server's error_log (null: the registry's); it must outlive the session. `tls`: the
    // server's context when it has TLS.
    void accept(std::unique_ptr<core::TcpConnection> client,
                std::shared_ptr<const config::ServerConfig> server, const Listen& listen,
                core::Log* log = nullptr, std::shared_ptr<tls::TlsContext> tls = nullptr);
    size_t active() const { return sessions_.size(); }
    // Drops every session now (TERM; worker_shutdown_timeout with reason "shutdown timeout", logged at info).
    void closeAll(const std::string& reason = {});
    void whenEmpty(std::function<void()> done);  // QUIT: called (on the loop) once the last session ends

  private:
    void finished(uint64_t id);

    core::EventLoop& loop_;
    core::Log& log_;
    std::unique_ptr<backend::BackendConnector> backends_;
    ProtocolFactory protocols_;
    uint64_t nextId_ = 1;
    std::unordered_map<uint64_t, std::unique_ptr<Session>> sessions_;
    std::function<void()> whenEmpty_;
};

}  // namespace mailwire::mail
