#include "mail_script.h"

#include <algorithm>

#include "script_json.h"

namespace mailwire::fake {

namespace {

using namespace script_json;

MailStep parseStep(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where) {
    auto step = asObject(value, source, where);
    if (step->size() != 1) {
        std::string keys;
        for (const auto& name : step->getNames()) keys += (keys.empty() ? "" : ", ") + name;
        fail(source, where,
             "a step has exactly one key (send, send_raw, expect, expect_re, expect_eof, wait_ms, close), "
             "got {" +
                 keys + "}");
    }
    const std::string key = step->getNames().front();
    const Poco::Dynamic::Var arg = step->get(key);
    const std::string at = where + "." + key;
    if (key == "send") return {MailStep::Kind::Send, asBytes(arg, source, at) + "\r\n"};
    if (key == "send_raw") return {MailStep::Kind::Send, asBytes(arg, source, at)};
    // The fake does not judge lines: the harness checks `expect_re` against the transcript.
    if (key == "expect" || key == "expect_re") return {MailStep::Kind::Expect, asBytes(arg, source, at)};
    if (key == "expect_eof") {
        requireTrue(arg, source, at);
        return {MailStep::Kind::ExpectEof, ""};
    }
    if (key == "wait_ms") return {MailStep::Kind::Wait, "", asMilliseconds(arg, source, at)};
    if (key == "close") {
        requireTrue(arg, source, at);
        return {MailStep::Kind::Close, ""};
    }
    fail(source, where,
         "unknown step \"" + key +
             "\" (known: send, send_raw, expect, expect_re, expect_eof, wait_ms, close)");
}

}  // namespace

const MailConnectionScript& MailScript::forConnection(int number) const {
    std::size_t index =
        std::min<std::size_t>(static_cast<std::size_t>(std::max(number, 1)) - 1, connections.size() - 1);
    return connections[index];
}

MailScript MailScript::fromJson(const std::string& text, const std::string& source) {
    auto top = asObject(parse(text, source), source, "top level");
    for (const auto& name : top->getNames())
        if (name != "connections")
            fail(source, "top level", "unknown key \"" + name + "\" (known: connections)");
    if (!top->has("connections")) fail(source, "top level", "missing \"connections\"");
    auto connections = asArray(top->get("connections"), source, "connections");
    if (connections->size() == 0) fail(source, "connections", "needs at least one connection script");

    MailScript script;
    for (std::size_t c = 0; c < connections->size(); ++c) {
        const std::string where = "connections[" + std::to_string(c) + "]";
        auto steps = asArray(connections->get(static_cast<unsigned>(c)), source, where);
        MailConnectionScript connection;
        for (std::size_t s = 0; s < steps->size(); ++s)
            connection.push_back(parseStep(steps->get(static_cast<unsigned>(s)), source,
                                           where + "[" + std::to_string(s) + "]"));
        script.connections.push_back(std::move(connection));
    }
    return script;
}

MailScript MailScript::fromFile(const std::string& path) { return fromJson(readFile(path), path); }

}  // namespace mailwire::fake
