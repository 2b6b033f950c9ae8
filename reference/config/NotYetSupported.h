// Features the parser recognises but mailwire-proxy does not serve yet. Each is refused at load time
// with an nginx-style emerg naming it, rather than silently misbehaving. When a feature lands, delete
// its row in NotYetSupported.cpp: that table is the only place the list lives.
#pragma once

#include <string>

#include "config/MailConfig.h"

namespace mailwire::config {

// Throws `"<directive>" directive is not supported by mailwire-proxy yet` if every use of it is refused.
void refuseDirectiveIfNotBuilt(const std::string& directive, const SourceLocation& where);

// Throws `"<directive> <value>" is not supported by mailwire-proxy yet` if that value is refused
// (a row with value "*" refuses every value except "off").
void refuseValueIfNotBuilt(const std::string& directive, const std::string& value,
                           const SourceLocation& where);

// Throws `"<parameter>" parameter of the "listen" directive is not supported by mailwire-proxy yet`.
void refuseListenIfNotBuilt(const ListenSpec& listen);

// Throws `"<protocol>" protocol is not supported by mailwire-proxy yet for server in F:L`.
void refuseProtocolIfNotBuilt(Protocol protocol, const SourceLocation& server);

}  // namespace mailwire::config
