#pragma once

#include <stdexcept>
#include <string>

namespace mailwire::fake {

// A script the fake cannot run. The message names the file and the problem; main() exits 2 with it.
class ScriptError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace mailwire::fake
