#include "mail_script.h"

#include <algorithm>

#include "pseudo_random.h"
#include "script_json.h"

namespace mailwire::fake {

namespace {

using namespace script_json;

// send_random and send_line_of write at most this much (the transcript holds it all).
constexpr std::uint64_t kMaxGeneratedBytes = 16 * 1024 * 1024;

const char* const kStepNames =
    "send, send_raw, send_random, send_line_of, expect, expect_re, expect_eof, wait_ms, close, reset, "
    "half_close, stall";

bool isModifier(const std::string& key) { return key == "split" || key == "gap_ms"; }

bool isSendStep(const std::string& key) {
    return key == "send" || key == "send_raw" || key == "send_random" || key == "send_line_of";
}

// The object's keys are exactly `allowed` (some may be missing; `required` must be there).
void checkKeys(const Poco::JSON::Object::Ptr& object, const std::vector<std::string>& allowed,
               const std::vector<std::string>& required, const std::string& source,
               const std::string& where) {
    std::string known;
    for (const auto& name : allowed) known += (known.empty() ? "" : ", ") + name;
    for (const auto& name : object->getNames())
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
            fail(source, where, "unknown key \"" + name + "\" (known: " + known + ")");
    for (const auto& name : required)
        if (!object->has(name)) fail(source, where, "missing \"" + name + "\"");
}

std::string randomBytes(const Poco::Dynamic::Var& value, const std::string& source,
                        const std::string& where) {
    auto arg = asObject(value, source, where);
    checkKeys(arg, {"bytes", "seed"}, {"bytes", "seed"}, source, where);
    auto count = asCount(arg->get("bytes"), source, where + ".bytes", kMaxGeneratedBytes);
    auto seed = asCount(arg->get("seed"), source, where + ".seed", UINT64_MAX);
    return splitmix64Bytes(seed, static_cast<std::size_t>(count));
}

std::string lineOf(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where) {
    auto arg = asObject(value, source, where);
    checkKeys(arg, {"length", "char"}, {"length"}, source, where);
    auto length = asCount(arg->get("length"), source, where + ".length", kMaxGeneratedBytes);
    std::string fill = "a";
    if (arg->has("char")) {
        fill = asBytes(arg->get("char"), source, where + ".char");
        if (fill.size() != 1)
            fail(source, where + ".char",
                 "must be exactly one character, got " + std::to_string(fill.size()));
    }
    return std::string(static_cast<std::size_t>(length), fill[0]) + "\r\n";
}

MailStep parseStep(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where) {
    auto step = asObject(value, source, where);
    std::vector<std::string> main;
    std::string keys;
    for (const auto& name : step->getNames()) {
        keys += (keys.empty() ? "" : ", ") + name;
        if (!isModifier(name)) main.push_back(name);
    }
    if (main.size() != 1)
        fail(source, where,
             std::string("a step has exactly one key (") + kStepNames +
                 ") plus, on send steps, split and gap_ms; got {" + keys + "}");
    const std::string key = main.front();
    const Poco::Dynamic::Var arg = step->get(key);
    const std::string at = where + "." + key;
    if (isSendStep(key)) {
        MailStep send{MailStep::Kind::Send, ""};
        if (key == "send")
            send.bytes = asBytes(arg, source, at) + "\r\n";
        else if (key == "send_raw")
            send.bytes = asBytes(arg, source, at);
        else if (key == "send_random")
            send.bytes = randomBytes(arg, source, at);
        else
            send.bytes = lineOf(arg, source, at);
        send.split = splitFromJson(step, send.bytes.size(), source, where);
        return send;
    }
    if (step->size() != 1) {
        std::string modifier = step->has("split") ? "split" : "gap_ms";
        fail(source, where, modifier + " only goes with send, send_raw, send_random and send_line_of");
    }
    // The fake does not judge lines: the harness checks `expect_re` against the transcript.
    if (key == "expect" || key == "expect_re") return {MailStep::Kind::Expect, asBytes(arg, source, at)};
    if (key == "wait_ms") return {MailStep::Kind::Wait, "", asMilliseconds(arg, source, at)};
    const std::pair<const char*, MailStep::Kind> flags[] = {{"expect_eof", MailStep::Kind::ExpectEof},
                                                            {"close", MailStep::Kind::Close},
                                                            {"reset", MailStep::Kind::Reset},
                                                            {"half_close", MailStep::Kind::HalfClose},
                                                            {"stall", MailStep::Kind::Stall}};
    for (const auto& [name, kind] : flags) {
        if (key != name) continue;
        requireTrue(arg, source, at);
        return {kind, ""};
    }
    fail(source, where, "unknown step \"" + key + "\" (known: " + kStepNames + ")");
}

MailConnectionScript parseConnection(const Poco::Dynamic::Var& value, const std::string& source,
                                     const std::string& where) {
    auto steps = asArray(value, source, where);
    MailConnectionScript connection;
    bool halfClosed = false;
    for (std::size_t s = 0; s < steps->size(); ++s) {
        const std::string at = where + "[" + std::to_string(s) + "]";
        MailStep step = parseStep(steps->get(static_cast<unsigned>(s)), source, at);
        // The write side is shut: the bytes would go nowhere (the kernel refuses them).
        if (halfClosed && step.kind == MailStep::Kind::Send) fail(source, at, "cannot send after half_close");
        halfClosed = halfClosed || step.kind == MailStep::Kind::HalfClose;
        connection.push_back(std::move(step));
    }
    return connection;
}

}  // namespace

const MailConnectionScript& MailScript::forConnection(int number) const {
    static const MailConnectionScript kSilent;
    if (acceptThenSilent || connections.empty()) return kSilent;
    std::size_t index =
        std::min<std::size_t>(static_cast<std::size_t>(std::max(number, 1)) - 1, connections.size() - 1);
    return connections[index];
}

MailScript MailScript::fromJson(const std::string& text, const std::string& source) {
    auto top = asObject(parse(text, source), source, "top level");
    checkKeys(top, {"connections", "accept_then_silent"}, {}, source, "top level");
    MailScript script;
    if (top->has("accept_then_silent")) {
        const auto flag = top->get("accept_then_silent");
        if (flag.type() != typeid(bool))
            fail(source, "accept_then_silent", "expected true or false, got " + kindOf(flag));
        script.acceptThenSilent = flag.extract<bool>();
    }
    if (!top->has("connections")) {
        // Every connection is silent: there is nothing to script.
        if (script.acceptThenSilent) return script;
        fail(source, "top level", "missing \"connections\"");
    }
    auto connections = asArray(top->get("connections"), source, "connections");
    if (connections->size() == 0 && !script.acceptThenSilent)
        fail(source, "connections", "needs at least one connection script");

    for (std::size_t c = 0; c < connections->size(); ++c)
        script.connections.push_back(parseConnection(connections->get(static_cast<unsigned>(c)), source,
                                                     "connections[" + std::to_string(c) + "]"));
    return script;
}

MailScript MailScript::fromFile(const std::string& path) { return fromJson(readFile(path), path); }

}  // namespace mailwire::fake
