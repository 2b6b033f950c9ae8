// The AUTH exchange nginx's mail module shares between IMAP, POP3 and SMTP (its ngx_mail_auth_* helpers,
// spec 3.6): which mechanisms start and with how many arguments, then each continuation step. Pure: the
// protocol parses the lines, turns a prompt into its own reply ("+ " or "334 "), and keeps its own quirks.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mailwire::sasl {

struct SaslPrompt {
    enum Kind { Username, Password, Empty, Challenge } kind = Empty;
    std::string payload;  // what follows the prefix: base64 text, or nothing

    // `prefix` + payload + CRLF.
    std::string line(std::string_view prefix) const;
};

struct SaslCredentials {
    std::string method;  // "plain" (PLAIN and LOGIN), "cram-md5" or "external"
    std::string login;
    std::string password;      // CRAM-MD5: the digest
    bool hasPassword = false;  // false for EXTERNAL: nginx leaves the session's password as it was
    std::string salt;          // CRAM-MD5 only
};

struct SaslStep {
    enum Kind { Prompt, Complete, Reject } kind = Reject;
    SaslPrompt prompt;            // Prompt
    SaslCredentials credentials;  // Complete; for a Password prompt, just the login (nginx's s->login is set)
    std::string infoLog;          // Reject: the info-level line nginx logs, possibly empty
};

// The mechanisms a protocol's *_auth directive can switch off; PLAIN and LOGIN are always accepted.
struct SaslMechanisms {
    bool cramMd5 = false;
    bool external = false;
};

class SaslExchange {
  public:
    enum class Stage { Idle, LoginUsername, LoginPassword, Plain, CramMd5, External };

    // `makeSalt` returns the whole "<R.T@server_name>" string; it is called at most once, on first use.
    SaslExchange(SaslMechanisms enabled, std::function<std::string()> makeSalt);

    // An AUTH command: `args[0]` names the mechanism, `args[1]` is an optional initial response.
    SaslStep start(const std::vector<std::string>& args);
    // The client's line after a prompt. Any Complete or Reject ends the exchange.
    SaslStep respond(std::string_view response);

    Stage stage() const { return stage_; }
    bool inProgress() const { return stage_ != Stage::Idle; }
    void reset();

    const std::string& salt();

    // The last user name this exchange decoded (or the protocol noted, e.g. POP3 USER): nginx's s->login,
    // which its log lines show. Not cleared by reset(); a decode error leaves it as it was (nginx >= 1.29.1).
    const std::string& lastLogin() const { return lastLogin_; }
    void noteLogin(std::string login) { lastLogin_ = std::move(login); }

  private:
    SaslStep prompt(Stage next, SaslPrompt::Kind kind);
    SaslStep complete(const char* method, std::string login, std::string password, bool hasPassword);
    SaslStep reject(std::string infoLog = std::string());

    const SaslMechanisms enabled_;
    std::function<std::string()> makeSalt_;
    bool saltMade_ = false;
    std::string salt_;
    Stage stage_ = Stage::Idle;
    std::string pendingLogin_;
    std::string lastLogin_;  // AUTH LOGIN: the user name until the password step
};

}  // namespace mailwire::sasl
