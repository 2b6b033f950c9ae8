// nginx's wording for resolver failures, used in "<addr> could not be resolved (<code>: <text>)".
#pragma once

#include <string>

namespace mailwire::resolver {

// 1 Format error, 2 Server failure, 3 Host not found, 4 Unimplemented, 5 Operation refused,
// 110 Operation timed out, anything else Unknown error.
std::string resolverErrorText(int code);

}  // namespace mailwire::resolver
