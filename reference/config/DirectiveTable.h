// The directive table: for each directive name, where it may appear, how many arguments it takes,
// whether it opens a block, and the handler that parses its values into the LoadState.
#pragma once

#include <string>

#include "config/ConfigParser.h"
#include "config/LoadState.h"

namespace mailwire::config {

using DirectiveHandlerFn = void (*)(LoadState&, const Directive&);

struct DirectiveSpec {
    const char* name;
    unsigned contexts;  // Context bits
    int minArgs;
    int maxArgs;    // -1: no limit
    Context opens;  // kNoContext: a simple directive ending in ';'
    DirectiveHandlerFn handle;
};

const DirectiveSpec* findDirective(const std::string& name);

}  // namespace mailwire::config
