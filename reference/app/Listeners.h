// The open listening sockets of one configuration, each mapped to the servers it serves. Opened by the
// master before workers fork (so they inherit them); a reload reuses sockets whose address:port is unchanged.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/ListenerPlan.h"
#include "config/MailConfig.h"

namespace mailwire::app {

// Owns one listening fd; closes it when the last configuration using it is gone. A unix socket's file is
// removed then too, as nginx's master removes it, unless this process is a worker (see below).
class ListeningSocket {
  public:
    explicit ListeningSocket(int fd) : fd_(fd) {}
    ~ListeningSocket();
    ListeningSocket(const ListeningSocket&) = delete;
    ListeningSocket& operator=(const ListeningSocket&) = delete;
    int fd() const { return fd_; }
    // Set once bind() has created the file at `path`: the file is ours to remove.
    void ownUnixPath(std::string path) { unixPath_ = std::move(path); }

  private:
    int fd_;
    std::string unixPath_;
};

// Called in a forked worker: the sockets it closes belong to the master, which removes their files.
void leaveUnixSocketFilesToTheMaster();

struct Listener {
    std::shared_ptr<ListeningSocket> socket;
    PlannedSocket plan;
    std::vector<std::shared_ptr<const config::ServerConfig>> servers;  // parallel to plan.routes
};

class ListenerSet {
  public:
    // Opens what `config` needs, reusing `previous`'s sockets with the same address:port (or unix path). On
    // failure returns null and sets `error` to nginx's text, e.g. `bind() to 127.0.0.1:1143 failed (98:
    // Address already in use)`. Like nginx, a file already at a unix socket's path is an error (EADDRINUSE),
    // never removed.
    static std::shared_ptr<ListenerSet> open(std::shared_ptr<const config::MainConfig> config,
                                             const ListenerSet* previous, std::string& error);

    const std::vector<Listener>& listeners() const { return listeners_; }
    std::vector<std::string> keys() const;
    // Keys of the previous set this one does not keep: they close when the previous set goes.
    const std::vector<std::string>& dropped() const { return dropped_; }

  private:
    std::vector<Listener> listeners_;
    std::vector<std::string> dropped_;
};

}  // namespace mailwire::app
