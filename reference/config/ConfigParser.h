// The generic nginx-syntax parser: turns files into a stream of directives and block boundaries,
// expanding `include` (globs sorted, relative to the main config file's directory) on the way.
// It knows nothing about what directives mean; a DirectiveHandler does.
#pragma once

#include <string>
#include <vector>

#include "config/MailConfig.h"

namespace mailwire::config {

struct Directive {
    std::string name;
    std::vector<std::string> args;  // without the name
    bool opensBlock = false;        // ended by '{' rather than ';'
    SourceLocation where;           // file and the line of the terminating ';' or '{'
};

// Receives directives in file order, as nginx processes them (so errors come out in nginx's order).
class DirectiveHandler {
  public:
    virtual ~DirectiveHandler() = default;
    virtual void directive(const Directive& d) = 0;  // both simple ones and block openers
    virtual void blockEnd(const SourceLocation& where) = 0;
};

class ConfigParser {
  public:
    // `includeRoot` is the directory (ending in '/') that relative include paths resolve against.
    explicit ConfigParser(std::string includeRoot);

    // Parses `file` (an absolute path). Throws ConfigError; a missing main file gives
    // `[emerg] open() "F" failed (2: No such file or directory)`.
    void parseFile(const std::string& file, DirectiveHandler& handler);

  private:
    void parseFileAt(const std::string& file, DirectiveHandler& handler, const SourceLocation* includedFrom);
    void include(const Directive& d, DirectiveHandler& handler);

    std::string includeRoot_;
    int includeDepth_ = 0;
};

}  // namespace mailwire::config
