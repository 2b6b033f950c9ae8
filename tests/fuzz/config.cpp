// The whole config loader (lexer, parser, directive table, inheritance, validation) on arbitrary file text,
// then what `mailwire-proxy -t` does with a loaded config short of opening logs and binding: building the TLS
// contexts. Anything wrong must come out as ConfigError (nginx's "[emerg] ..."), never as a crash.
#include <Poco/Net/IPAddress.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

#include "FuzzInput.h"
#include "config/ConfigError.h"
#include "config/ConfigLoader.h"
#include "tls/TlsContext.h"

namespace mailwire::config {

// Replaces config/HostResolver.cpp in this binary (the linker then leaves that archive member out): names
// would otherwise go to the network's DNS on every execution. Literals and "localhost" resolve as they do.
std::vector<std::string> resolveHost(const std::string& host) {
    if (host == "localhost") return {"127.0.0.1", "::1"};
    Poco::Net::IPAddress literal;
    if (!host.empty() && Poco::Net::IPAddress::tryParse(host, literal)) return {literal.toString()};
    return {};
}

}  // namespace mailwire::config

namespace {

// One private directory per process: the config file is rewritten for every input; relative paths and
// `include` globs resolve inside it. Removed again when the process exits normally.
class WorkDirectory {
  public:
    WorkDirectory() {
        char name[] = "/tmp/mailwire-fuzz-config-XXXXXX";
        if (!::mkdtemp(name)) mailwire::fuzz::violated("mkdtemp failed");
        path_ = std::string(name) + "/";
    }
    ~WorkDirectory() {
        ::unlink(configFile().c_str());
        ::rmdir(path_.c_str());
    }
    const std::string& path() const { return path_; }
    std::string configFile() const { return path_ + "mailwire.conf"; }

  private:
    std::string path_;
};

const WorkDirectory& workDirectory() {
    static const WorkDirectory directory;
    return directory;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mailwire;
    const std::string file = workDirectory().configFile();
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    std::vector<std::string> notices;
    try {
        const config::MainConfig loaded = config::loadConfig(file, workDirectory().path(), notices);
        tls::TlsContexts::build(loaded);
    } catch (const config::ConfigError& e) {
        if (std::string(e.what()).empty()) fuzz::violated("a config error without a message");
    }
    return 0;
}
