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
    int waitSeconds = 0;  // Auth-Wait (invalid values are ignored, so 0 unless a valid one came)
    std::optional<std::string> errorCode;  // Auth-Error-Code (SMTP)
};

// Incremental parser for the response head (status line skipped if it starts with "HTTP/", 1024-byte limit).
class AuthReplyParser {
  public:
    // TooLong: kMaxHead bytes came without the end of the head; nginx reads no further and sees EOF.
    enum class State { NeedMore, Done, Invalid, TooLong };
    // Feed the next bytes received (appended to what came before). Returns Done once the blank line is seen;
    // bytes after it (the body) and bytes beyond kMaxHead are ignored. Once not NeedMore, the state sticks.
    State feed(const char* data, size_t len);
    State state() const { return state_; }
    const AuthReply& reply() const { return reply_; }
    // For Invalid: "sent invalid response" or "sent invalid header in response"
    // (nginx's wording after "auth http server <peer> ").
    const std::string& error() const { return error_; }
    size_t consumed() const { return consumed_; }  // head bytes taken so far (at most kMaxHead)
    static constexpr size_t kMaxHead = 1024;

  private:
    enum class Step {
        // matching "HTTP/" (the order matters: each step is followed by the next)
        StatusH,
        StatusT1,
        StatusT2,
        StatusP,
        StatusSlash,
        // the rest of the status line
        StatusSkip,
        StatusAlmostDone,
        // header lines
        LineStart,
        Name,
        SpaceBeforeValue,
        Value,
        LineAlmostDone,
        HeadAlmostDone,
    };
    void step(char c);
    void headerDone();
    void fail(const char* error);

    std::string prefix_;  // bytes looked at while matching "HTTP/", re-read as headers if it does not match
    Step step_ = Step::StatusH;
    std::string name_;
    std::string value_;
    size_t consumed_ = 0;
    AuthReply reply_;
    std::string error_;
    State state_ = State::NeedMore;
};

// What the session does with a complete reply (§7.6 of the spec).
struct AuthDecision {
    enum Kind {
        LoginFailed,    // send the protocol's NO/-ERR/535 with `text`, then close or wait `waitSeconds`
        Retry,          // Auth-Status: WAIT: repeat the request after waitSeconds
        InternalError,  // log `logMessage` at error level, send the internal error, close
        Connect,        // connect to backendIp:backendPort
    } kind = InternalError;
    std::string text;       // client-visible error text (LoginFailed)
    std::string errorCode;  // Auth-Error-Code (SMTP), empty when absent
    int waitSeconds = 0;
    std::string logMessage;  // after "auth http server <peer> ", e.g. "did not send server or port"
    std::string backendIp;   // Connect: canonical form ("1.2.3.4", "::1"); reply.server keeps the raw text
    unsigned short backendPort = 0;
};

// `needPassword`: the protocol needs a password for the backend login (IMAP, POP3; not SMTP).
// `passwordKnown`: the session still holds one (false after apop/cram-md5, or EXTERNAL without an earlier
// one). "did not send password" only when one is needed, none is known and the reply has no Auth-Pass.
AuthDecision decideAuth(const AuthReply& reply, bool passwordKnown, bool needPassword);

// nginx's idea of a literal address for Auth-Server: dotted-quad IPv4 (decimal octets <= 255) or IPv6 without
// brackets. Returns the canonical text, or nullopt.
std::optional<std::string> parseServerAddress(const std::string& text);

}  // namespace mailwire::auth
