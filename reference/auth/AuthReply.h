// Parsing the auth_http response head the way nginx does, and the decision it leads to.
#pragma once

#include <optional>
#include <string>

namespace mailwire::auth {

struct AuthReply {
    std::optional<std::string> status;  // Auth-Status
    std::optional<std::string> server;  // Auth-Server
    std::optional<std::string> port;    // Auth-Port
    std::optional<std::string> user;    // Auth-User
    std::optional<std::string> pass;    // Auth-Pass
    int waitSeconds = 0;                // Auth-Wait (invalid values count as 0)
    std::optional<std::string> errorCode;  // Auth-Error-Code (SMTP)
};

// Incremental parser for the response head (status line skipped if it starts with "HTTP/", 1024-byte limit).
class AuthReplyParser {
public:
    enum class State { NeedMore, Done, Invalid };
    // Feed all bytes received so far (appended). Returns Done once the blank line is seen.
    State feed(const char* data, size_t len);
    const AuthReply& reply() const { return reply_; }
    // For Invalid: "sent invalid response" or "sent invalid header in response" (nginx's wording after "auth http server <peer> ").
    const std::string& error() const { return error_; }
    static constexpr size_t kMaxHead = 1024;

private:
    State parse();
    std::string head_;
    AuthReply reply_;
    std::string error_;
    State state_ = State::NeedMore;
};

// What the session does with a complete reply (§7.6 of the spec).
struct AuthDecision {
    enum Kind {
        LoginFailed,     // send the protocol's NO/-ERR/535 with `text`, then close or wait `waitSeconds`
        Retry,           // Auth-Status: WAIT: repeat the request after waitSeconds
        InternalError,   // log `logMessage` at error level, send the internal error, close
        Connect,         // connect to backendIp:backendPort
    } kind = InternalError;
    std::string text;        // client-visible error text (LoginFailed)
    std::string errorCode;   // Auth-Error-Code (SMTP), empty when absent
    int waitSeconds = 0;
    std::string logMessage;  // after "auth http server <peer> ", e.g. "did not send server or port"
    std::string backendIp;
    unsigned short backendPort = 0;
};

// `needPassword`: IMAP/POP3 and no password known (EXTERNAL, apop, cram-md5) unless the reply carries Auth-Pass.
AuthDecision decideAuth(const AuthReply& reply, bool passwordKnown, bool needPassword);

}  // namespace mailwire::auth
