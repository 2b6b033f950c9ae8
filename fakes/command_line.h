#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "fake_options.h"

namespace mailwire::fake {

// A command line the fake cannot follow; main() prints it with the usage hint and exits 2.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Parses `mailwire-fake SUBCOMMAND --option VALUE ...` (arguments without the program name).
FakeOptions parseCommandLine(const std::vector<std::string>& arguments);
// The --help text.
std::string usageText();

}  // namespace mailwire::fake
