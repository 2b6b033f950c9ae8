// A throwaway prefix directory for config tests: write files, load, read the error. Removed at scope end.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/ConfigLoader.h"

namespace mailwire::config::testing {

class TempConfigDir {
  public:
    TempConfigDir() {
        char tmpl[] = "/tmp/mailwire-config-XXXXXX";
        dir_ = ::mkdtemp(tmpl);
        dir_ += "/";
    }
    ~TempConfigDir() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    TempConfigDir(const TempConfigDir&) = delete;
    TempConfigDir& operator=(const TempConfigDir&) = delete;

    const std::string& prefix() const { return dir_; }
    std::string path(const std::string& name) const { return dir_ + name; }

    void write(const std::string& name, const std::string& text) const {
        std::filesystem::create_directories(std::filesystem::path(path(name)).parent_path());
        std::ofstream(path(name), std::ios::binary) << text;
    }

    MainConfig load(const std::string& text, const std::string& name = "nginx.conf") const {
        write(name, text);
        return loadConfig(name, dir_);
    }

    // The ConfigError message for `text`, or "no error".
    std::string error(const std::string& text, const std::string& name = "nginx.conf") const {
        try {
            load(text, name);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "no error";
    }

  private:
    std::string dir_;
};

// A minimal valid mail config around `serverBody` (server{} starts on line 4).
inline std::string imapConfig(const std::string& serverBody, const std::string& mailBody = "") {
    return "events {}\n"
           "mail {\n"
           "    auth_http 127.0.0.1:9000/auth;\n" +
           std::string("    server {\n") + serverBody + "\n    }\n" + mailBody + "}\n";
}

}  // namespace mailwire::config::testing
