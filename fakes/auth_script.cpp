#include "auth_script.h"

#include <algorithm>

#include "script_json.h"

namespace mailwire::fake {

namespace {

using namespace script_json;

const char* const kEntryKeys =
    "response, close_without_response, no_response, reset, delay_ms, split, gap_ms, then, half_close";

AuthReply::After parseThen(const Poco::Dynamic::Var& value, const std::string& source,
                           const std::string& where) {
    const char* const expected = "expected \"close\", \"reset\" or \"stall\"";
    if (!value.isString()) fail(source, where, std::string(expected) + ", got " + kindOf(value));
    const std::string then = value.extract<std::string>();
    if (then == "close") return AuthReply::After::Close;
    if (then == "reset") return AuthReply::After::Reset;
    if (then == "stall") return AuthReply::After::Stall;
    fail(source, where, std::string(expected) + ", got \"" + then + "\"");
}

AuthReply parseEntry(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where) {
    auto entry = asObject(value, source, where);
    AuthReply reply;
    int kinds = 0;
    for (const auto& key : entry->getNames()) {
        const auto arg = entry->get(key);
        const std::string at = where + "." + key;
        if (key == "response") {
            reply.kind = AuthReply::Kind::Respond;
            reply.response = asBytes(arg, source, at);
            ++kinds;
        } else if (key == "close_without_response") {
            requireTrue(arg, source, at);
            reply.kind = AuthReply::Kind::CloseWithoutResponse;
            ++kinds;
        } else if (key == "no_response") {
            requireTrue(arg, source, at);
            reply.kind = AuthReply::Kind::NoResponse;
            ++kinds;
        } else if (key == "reset") {
            requireTrue(arg, source, at);
            reply.kind = AuthReply::Kind::Reset;
            ++kinds;
        } else if (key == "delay_ms") {
            reply.delayMs = asMilliseconds(arg, source, at);
        } else if (key == "then") {
            reply.after = parseThen(arg, source, at);
        } else if (key == "half_close") {
            requireTrue(arg, source, at);
            reply.after = AuthReply::After::HalfClose;
        } else if (key != "split" && key != "gap_ms") {
            fail(source, where, "unknown key \"" + key + "\" (known: " + kEntryKeys + ")");
        }
    }
    if (kinds != 1)
        fail(source, where, "needs exactly one of response, close_without_response, no_response, reset");
    if (reply.kind == AuthReply::Kind::NoResponse && reply.delayMs != 0)
        fail(source, where, "delay_ms has no meaning with no_response");
    if (reply.kind != AuthReply::Kind::Respond) {
        for (const char* key : {"split", "gap_ms", "then", "half_close"})
            if (entry->has(key)) fail(source, where, std::string(key) + " only goes with response");
    }
    if (entry->has("then") && entry->has("half_close"))
        fail(source, where, "half_close and then both say what follows the response: give one");
    reply.split = splitFromJson(entry, reply.response.size(), source, where);
    return reply;
}

}  // namespace

const AuthReply& AuthScript::forRequest(int number) const {
    std::size_t index =
        std::min<std::size_t>(static_cast<std::size_t>(std::max(number, 1)) - 1, requests.size() - 1);
    return requests[index];
}

AuthScript AuthScript::fromJson(const std::string& text, const std::string& source) {
    auto top = asObject(parse(text, source), source, "top level");
    for (const auto& name : top->getNames())
        if (name != "requests") fail(source, "top level", "unknown key \"" + name + "\" (known: requests)");
    if (!top->has("requests")) fail(source, "top level", "missing \"requests\"");
    auto requests = asArray(top->get("requests"), source, "requests");
    if (requests->size() == 0) fail(source, "requests", "needs at least one entry");

    AuthScript script;
    for (std::size_t i = 0; i < requests->size(); ++i)
        script.requests.push_back(parseEntry(requests->get(static_cast<unsigned>(i)), source,
                                             "requests[" + std::to_string(i) + "]"));
    return script;
}

AuthScript AuthScript::fromFile(const std::string& path) { return fromJson(readFile(path), path); }

}  // namespace mailwire::fake
