#include "script_json.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>

#include "byte_text.h"
#include "script_error.h"

namespace mailwire::fake::script_json {

namespace {
constexpr long long kMaxMilliseconds = 24LL * 3600 * 1000;
}  // namespace

std::string kindOf(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) return "null";
    if (value.isString()) return "a string";
    if (value.type() == typeid(bool)) return "a boolean";
    if (value.isNumeric()) return "a number";
    if (value.type() == typeid(Poco::JSON::Array::Ptr)) return "an array";
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) return "an object";
    return "an unsupported value";
}

void fail(const std::string& source, const std::string& where, const std::string& what) {
    throw ScriptError(source + ": " + (where.empty() ? "" : where + ": ") + what);
}

Poco::Dynamic::Var parse(const std::string& text, const std::string& source) {
    try {
        Poco::JSON::Parser parser;
        return parser.parse(text);
    } catch (const Poco::Exception& e) {
        fail(source, "", "invalid JSON: " + e.message());
    }
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ScriptError(path + ": cannot read script file");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value, const std::string& source,
                                 const std::string& where) {
    if (value.type() != typeid(Poco::JSON::Object::Ptr))
        fail(source, where, "expected an object, got " + kindOf(value));
    return value.extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Array::Ptr asArray(const Poco::Dynamic::Var& value, const std::string& source,
                               const std::string& where) {
    if (value.type() != typeid(Poco::JSON::Array::Ptr))
        fail(source, where, "expected an array, got " + kindOf(value));
    return value.extract<Poco::JSON::Array::Ptr>();
}

std::string asBytes(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where) {
    if (!value.isString()) fail(source, where, "expected a string, got " + kindOf(value));
    std::string bytes, error;
    if (!bytesFromLatin1Text(value.extract<std::string>(), bytes, error)) fail(source, where, error);
    return bytes;
}

std::uint64_t asCount(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where,
                      std::uint64_t max) {
    if (!value.isInteger() || value.type() == typeid(bool))
        fail(source, where, "expected a whole number, got " + kindOf(value));
    if (value.isSigned() && value.convert<long long>() < 0)
        fail(source, where, "must be between 0 and " + std::to_string(max) + ", got " + value.toString());
    std::uint64_t count = value.convert<std::uint64_t>();
    if (count > max)
        fail(source, where,
             "must be between 0 and " + std::to_string(max) + ", got " + std::to_string(count));
    return count;
}

int asMilliseconds(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where) {
    if (!value.isInteger() || value.type() == typeid(bool))
        fail(source, where, "expected a whole number of milliseconds, got " + kindOf(value));
    long long ms = value.convert<long long>();
    if (ms < 0 || ms > kMaxMilliseconds)
        fail(source, where,
             "must be between 0 and " + std::to_string(kMaxMilliseconds) + ", got " + std::to_string(ms));
    return static_cast<int>(ms);
}

void requireTrue(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where) {
    if (value.type() != typeid(bool) || !value.extract<bool>())
        fail(source, where, "must be true, got " + (value.isString() ? value.toString() : kindOf(value)));
}

}  // namespace mailwire::fake::script_json
