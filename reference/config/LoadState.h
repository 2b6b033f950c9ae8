// Everything the directive handlers read and write while one config is being loaded.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/MailConfig.h"
#include "config/ServerDraft.h"

namespace mailwire::config {

// Where a directive appears; a directive table row lists the contexts it is allowed in.
enum Context : unsigned {
    kNoContext = 0,
    kMainContext = 1u << 0,
    kEventsContext = 1u << 1,
    kMailContext = 1u << 2,
    kServerContext = 1u << 3,
};

struct LoadState {
    MainConfig main;
    std::string hostName;              // lowercased gethostname(), the server_name default
    std::string confPrefix;            // the main config file's directory (nginx's conf_prefix)
    std::vector<std::string> notices;  // "[notice] ..." / "[warn] ..." lines
    std::vector<Context> contexts{kMainContext};
    std::set<std::string> setInMain;  // main/events directives that may appear once ("is duplicate")
    bool eventsSeen = false;
    bool mailSeen = false;
    bool modulesUsed = false;  // after events{} or mail{}, load_module is "specified too late"

    ServerDraft mail;
    std::vector<ServerDraft> servers;
    std::vector<ListenSpec> allListens;  // every listen so far, for "duplicate ... address and port pair"
    std::map<std::string, size_t> sessionZones;  // ssl_session_cache shared zones: name -> size

    Context context() const { return contexts.back(); }
    ServerDraft& draft() { return context() == kServerContext ? servers.back() : mail; }
};

}  // namespace mailwire::config
