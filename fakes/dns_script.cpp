#include "dns_script.h"

#include <Poco/String.h>

#include "dns_wire.h"
#include "script_json.h"

namespace mailwire::fake {

namespace {

using namespace script_json;

std::string withoutTrailingDot(std::string name) {
    if (!name.empty() && name.back() == '.') name.pop_back();
    return name;
}

std::string stringAt(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where) {
    if (!value.isString()) fail(source, where, "expected a string");
    return value.toString();
}

DnsAnswer parseAnswer(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where) {
    auto entry = asObject(value, source, where);
    DnsAnswer answer;
    bool hasQuestion = false, hasType = false;
    for (const auto& key : entry->getNames()) {
        const auto arg = entry->get(key);
        const std::string at = where + "." + key;
        if (key == "question") {
            answer.question = withoutTrailingDot(stringAt(arg, source, at));
            hasQuestion = true;
        } else if (key == "type") {
            answer.type = dnsTypeFromName(stringAt(arg, source, at));
            if (answer.type == 0) fail(source, at, "type must be A, AAAA or PTR");
            hasType = true;
        } else if (key == "rcode") {
            answer.rcode = dnsRcodeFromName(stringAt(arg, source, at));
            if (answer.rcode < 0)
                fail(source, at, "rcode must be NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP or REFUSED");
        } else if (key == "records") {
            auto list = asArray(arg, source, at);
            for (std::size_t i = 0; i < list->size(); ++i)
                answer.records.push_back(stringAt(list->get(static_cast<unsigned>(i)), source,
                                                  at + "[" + std::to_string(i) + "]"));
        } else if (key == "drop") {
            if (arg.type() != typeid(bool)) fail(source, at, "must be true or false");
            answer.drop = arg.extract<bool>();
        } else if (key == "ttl") {
            answer.ttl = static_cast<std::uint32_t>(asMilliseconds(arg, source, at));
        } else {
            fail(source, where,
                 "unknown key \"" + key + "\" (known: question, type, rcode, records, drop, ttl)");
        }
    }
    if (!hasQuestion || !hasType) fail(source, where, "needs \"question\" and \"type\"");
    for (std::size_t i = 0; i < answer.records.size(); ++i) {
        answer.records[i] =
            answer.type == kDnsPtr ? withoutTrailingDot(answer.records[i]) : answer.records[i];
        if (!validDnsRecordValue(answer.type, answer.records[i]))
            fail(source, where + ".records[" + std::to_string(i) + "]",
                 "\"" + answer.records[i] + "\" is not a valid " + dnsTypeName(answer.type) + " value");
    }
    return answer;
}

}  // namespace

const DnsAnswer* DnsScript::find(const std::string& name, std::uint16_t type) const {
    const std::string wanted = withoutTrailingDot(name);
    for (const auto& answer : answers)
        if (answer.type == type && Poco::icompare(answer.question, wanted) == 0) return &answer;
    return nullptr;
}

DnsScript DnsScript::fromJson(const std::string& text, const std::string& source) {
    auto top = asObject(parse(text, source), source, "top level");
    for (const auto& name : top->getNames())
        if (name != "answers") fail(source, "top level", "unknown key \"" + name + "\" (known: answers)");
    if (!top->has("answers")) fail(source, "top level", "missing \"answers\"");
    auto list = asArray(top->get("answers"), source, "answers");
    DnsScript script;
    for (std::size_t i = 0; i < list->size(); ++i)
        script.answers.push_back(
            parseAnswer(list->get(static_cast<unsigned>(i)), source, "answers[" + std::to_string(i) + "]"));
    return script;
}

DnsScript DnsScript::fromFile(const std::string& path) { return fromJson(readFile(path), path); }

}  // namespace mailwire::fake
