#include "imap/ImapCapabilities.h"

namespace mailwire::imap {

ImapCapabilities::ImapCapabilities(const config::ServerConfig& server) : starttls_(server.starttls) {
    std::string base = "* CAPABILITY";
    for (const std::string& capability : server.imapCapabilities) base += " " + capability;

    // Fixed order, whatever order imap_auth lists them in.
    std::string mechanisms;
    if (server.imapAuth & config::kAuthPlain) mechanisms += " AUTH=PLAIN";
    if (server.imapAuth & config::kAuthLogin) mechanisms += " AUTH=LOGIN";
    if (server.imapAuth & config::kAuthCramMd5) mechanisms += " AUTH=CRAM-MD5";
    if (server.imapAuth & config::kAuthExternal) mechanisms += " AUTH=EXTERNAL";

    normal_ = base + mechanisms + "\r\n";
    withStartTls_ = base + mechanisms + " STARTTLS\r\n";
    startTlsOnly_ = base + " STARTTLS LOGINDISABLED\r\n";
}

const std::string& ImapCapabilities::line(bool tlsActive) const {
    if (!tlsActive) {
        if (starttls_ == config::StartTls::On) return withStartTls_;
        if (starttls_ == config::StartTls::Only) return startTlsOnly_;
    }
    return normal_;
}

}  // namespace mailwire::imap
