#include "client_steps.h"

#include <stdexcept>

namespace mailwire::load {

namespace {

using K = Step::Kind;

Step send(std::string text) { return {K::Send, std::move(text)}; }
Step line(std::string prefix) { return {K::ExpectLine, std::move(prefix)}; }
Step tagged(std::string tag) { return {K::ExpectTagged, std::move(tag)}; }
Step smtp(std::string code) { return {K::ExpectSmtp, std::move(code)}; }

std::vector<Step> imapLogin(const std::string& user, const std::string& password) {
    return {line("* OK"), send("a LOGIN " + user + " " + password + "\r\n"), tagged("a")};
}

std::vector<Step> imapLogout() { return {send("z LOGOUT\r\n"), tagged("z"), {K::ExpectEof, ""}}; }

std::vector<Step> pop3Login(const std::string& user, const std::string& password) {
    return {line("+OK"), send("USER " + user + "\r\n"), line("+OK"), send("PASS " + password + "\r\n"),
            line("+OK")};
}

std::vector<Step> pop3Quit() { return {send("QUIT\r\n"), line("+OK"), {K::ExpectEof, ""}}; }

std::vector<Step> smtpEnvelope() {
    return {smtp("220"), send("EHLO load.example.test\r\n"),
            smtp("250"), send("MAIL FROM:<load@example.test>\r\n"),
            smtp("250"), send("RCPT TO:<sink@example.test>\r\n"),
            smtp("250")};
}

std::vector<Step> smtpQuit() { return {send("QUIT\r\n"), smtp("221"), {K::ExpectEof, ""}}; }

std::vector<Step> joined(std::vector<std::vector<Step>> parts) {
    std::vector<Step> all;
    for (auto& part : parts) all.insert(all.end(), part.begin(), part.end());
    return all;
}

}  // namespace

std::vector<Step> stepsFor(const std::string& mode, const std::string& user, const std::string& password,
                           std::uint64_t bytes) {
    const std::string size = std::to_string(bytes);
    if (mode == "imap-login") return joined({imapLogin(user, password), imapLogout()});
    if (mode == "pop3-login") return joined({pop3Login(user, password), pop3Quit()});
    if (mode == "smtp-session") return joined({smtpEnvelope(), smtpQuit()});
    if (mode == "smtp-data")
        return joined({smtpEnvelope(),
                       {send("DATA\r\n"), smtp("354"), {K::SendBody, "", bytes}, send(".\r\n"), smtp("250")},
                       smtpQuit()});
    if (mode == "imap-fetch")
        return joined({imapLogin(user, password),
                       {send("f FETCH 1 BODY[]<0." + size + ">\r\n"), {K::ReadLiteral, ""}, tagged("f")},
                       imapLogout()});
    if (mode == "pop3-retr")
        return joined({pop3Login(user, password),
                       {send("RETR " + size + "\r\n"), line("+OK"), {K::ReadDotBody, ""}},
                       pop3Quit()});
    if (mode == "idle") return joined({imapLogin(user, password), {{K::Hold, ""}}});
    throw std::invalid_argument("unknown mode " + mode);
}

}  // namespace mailwire::load
