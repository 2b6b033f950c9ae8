// The SASL decoders and the AUTH exchange shared by IMAP, POP3 and SMTP.
// Input: [mode] then either one base64 payload (mode even: every decoder, and base64 round trips) or
// newline-separated lines (mode odd: an AUTH line's words, then each continuation line).
#include <vector>

#include "FuzzInput.h"
#include "sasl/Base64.h"
#include "sasl/SaslExchange.h"
#include "sasl/SaslPayloads.h"

namespace {

using namespace mailwire;

// A refused payload carries the line nginx logs and no credentials; an accepted one logs nothing.
void checkOutcome(const sasl::SaslOutcome& outcome) {
    if (!outcome.ok && (!outcome.login.empty() || !outcome.password.empty()))
        fuzz::violated("a failed decode returned credentials");
    if (outcome.ok == !outcome.infoLog.empty())
        fuzz::violated("info log and outcome disagree", outcome.infoLog);
}

void fuzzDecoders(std::string_view payload) {
    checkOutcome(sasl::decodeAuthPlain(payload));
    checkOutcome(sasl::decodeAuthLoginUsername(payload));
    checkOutcome(sasl::decodeAuthLoginPassword(payload));
    const sasl::SaslOutcome cram = sasl::decodeAuthCramMd5(payload);
    checkOutcome(cram);
    if (cram.ok && cram.password.size() != 32) fuzz::violated("a CRAM-MD5 digest not 32 characters");
    checkOutcome(sasl::decodeAuthExternal(payload));
    sasl::parseMechanism(payload);

    // Encoding anything decodes back to it; a successful decode re-encodes to something that decodes the
    // same.
    if (sasl::decodeBase64(sasl::encodeBase64(payload)) != std::string(payload))
        fuzz::violated("decode(encode(x)) != x");
    if (const auto decoded = sasl::decodeBase64(payload)) {
        if (sasl::decodeBase64(sasl::encodeBase64(*decoded)) != *decoded)
            fuzz::violated("a decoded value does not survive encode and decode");
    }
}

std::vector<std::string> words(std::string_view line) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= line.size()) {
        const size_t space = line.find(' ', start);
        const size_t end = space == std::string_view::npos ? line.size() : space;
        if (end > start) out.emplace_back(line.substr(start, end - start));
        if (space == std::string_view::npos) break;
        start = space + 1;
    }
    return out;
}

void checkStep(const sasl::SaslExchange& exchange, const sasl::SaslStep& step) {
    if (step.kind == sasl::SaslStep::Prompt) {
        if (!exchange.inProgress()) fuzz::violated("a prompt outside an exchange");
        if (step.prompt.kind != sasl::SaslPrompt::Empty && !sasl::decodeBase64(step.prompt.payload))
            fuzz::violated("a prompt that is not base64", step.prompt.payload);
        return;
    }
    if (exchange.inProgress()) fuzz::violated("the exchange goes on after it ended");
    if (step.kind == sasl::SaslStep::Complete) {
        const std::string& method = step.credentials.method;
        if (method != "plain" && method != "cram-md5" && method != "external")
            fuzz::violated("unknown method", method);
        if ((method == "cram-md5") != !step.credentials.salt.empty()) fuzz::violated("salt without CRAM-MD5");
    }
}

void fuzzExchange(uint8_t mode, std::string_view text) {
    sasl::SaslExchange exchange(sasl::SaslMechanisms{(mode & 2) != 0, (mode & 4) != 0},
                                [] { return std::string("<1.2@mail.example.com>"); });
    bool started = false;
    while (!text.empty()) {
        const size_t newline = text.find('\n');
        const std::string_view line = text.substr(0, newline);
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
        const bool start = !started || !exchange.inProgress();
        const sasl::SaslStep step = start ? exchange.start(words(line)) : exchange.respond(line);
        started = true;
        checkStep(exchange, step);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::FuzzInput input(data, size);
    const uint8_t mode = input.byte();
    if (mode & 1)
        fuzzExchange(mode, input.rest());
    else
        fuzzDecoders(input.rest());
    return 0;
}
