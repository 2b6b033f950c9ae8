#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>

namespace mailwire::fake {

// Shared helpers for the script loaders: each reports problems as ScriptError("<source>: <where>: <what>").
namespace script_json {

// Parses JSON text; the error names `source`.
Poco::Dynamic::Var parse(const std::string& text, const std::string& source);
// Reads a whole file; the error names the file.
std::string readFile(const std::string& path);

// "a string", "a number", ... for error messages.
std::string kindOf(const Poco::Dynamic::Var& value);

[[noreturn]] void fail(const std::string& source, const std::string& where, const std::string& what);

Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value, const std::string& source,
                                 const std::string& where);
Poco::JSON::Array::Ptr asArray(const Poco::Dynamic::Var& value, const std::string& source,
                               const std::string& where);
// A string of latin-1 code points, returned as the bytes it stands for.
std::string asBytes(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where);
// A whole number 0..max.
std::uint64_t asCount(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where,
                      std::uint64_t max);
// A whole number 0..max (milliseconds).
int asMilliseconds(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where);
// Flags like {"close": true} must say true.
void requireTrue(const Poco::Dynamic::Var& value, const std::string& source, const std::string& where);

}  // namespace script_json
}  // namespace mailwire::fake
