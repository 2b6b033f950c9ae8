#include "resolver/ResolverErrors.h"

#include "resolver/DnsTransport.h"

namespace mailwire::resolver {

std::string resolverErrorText(int code) {
    static const char* const kRcodeTexts[] = {"Format error", "Server failure", "Host not found",
                                              "Unimplemented", "Operation refused"};
    if (code >= kFormErr && code <= kRefused) return kRcodeTexts[code - 1];
    if (code == kTimedOut) return "Operation timed out";
    return "Unknown error";
}

}  // namespace mailwire::resolver
