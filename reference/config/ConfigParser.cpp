#include "config/ConfigParser.h"

#include <fcntl.h>
#include <glob.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "config/ConfigError.h"
#include "config/ConfigLexer.h"

namespace mailwire::config {

namespace {

// A file that includes itself would otherwise recurse until the stack or fd table runs out.
constexpr int kMaxIncludeDepth = 64;

bool hasGlobChars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::string openFailed(const std::string& file, int err) {
    return "open() \"" + file + "\" failed (" + std::to_string(err) + ": " + std::strerror(err) + ")";
}

// Returns 0 or the errno of the failed open()/read().
int readWholeFile(const std::string& file, std::string& out) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    char buf[65536];
    int err = 0;
    while (true) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            out.append(buf, static_cast<size_t>(n));
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            err = errno;
            break;
        }
    }
    ::close(fd);
    return err;
}

}  // namespace

ConfigParser::ConfigParser(std::string includeRoot) : includeRoot_(std::move(includeRoot)) {}

void ConfigParser::parseFile(const std::string& file, DirectiveHandler& handler) {
    parseFileAt(file, handler, nullptr);
}

void ConfigParser::parseFileAt(const std::string& file, DirectiveHandler& handler,
                               const SourceLocation* includedFrom) {
    std::string text;
    int err = readWholeFile(file, text);
    if (err != 0) {
        std::string message = (err == EISDIR ? "read() \"" + file + "\" failed (" + std::to_string(err) +
                                                   ": " + std::strerror(err) + ")"
                                             : openFailed(file, err));
        if (includedFrom) throwAt(message, *includedFrom);
        throw ConfigError("[emerg] " + message);
    }

    ConfigLexer lexer(file, std::move(text));
    auto here = [&](int line) { return SourceLocation{file, line}; };
    int depth = 0;  // blocks must close in the file that opened them
    Directive current;
    std::vector<std::string> words;
    while (true) {
        Token t = lexer.next();
        switch (t.kind) {
            case Token::Kind::Word:
                words.push_back(std::move(t.text));
                continue;
            case Token::Kind::End:
                if (!words.empty()) throwAt("unexpected end of file, expecting \";\" or \"}\"", here(t.line));
                if (depth > 0) throwAt("unexpected end of file, expecting \"}\"", here(t.line));
                return;
            case Token::Kind::BlockEnd:
                if (!words.empty() || depth == 0) throwAt("unexpected \"}\"", here(t.line));
                --depth;
                handler.blockEnd(here(t.line));
                continue;
            case Token::Kind::Semicolon:
            case Token::Kind::BlockStart: {
                bool block = t.kind == Token::Kind::BlockStart;
                if (words.empty()) throwAt(block ? "unexpected \"{\"" : "unexpected \";\"", here(t.line));
                Directive d;
                d.name = std::move(words.front());
                d.args.assign(std::make_move_iterator(words.begin() + 1),
                              std::make_move_iterator(words.end()));
                words.clear();
                d.opensBlock = block;
                d.where = here(t.line);
                if (d.name == "include") {
                    include(d, handler);
                    continue;
                }
                // The handler throws for unknown block directives, so every depth increase is one it
                // accepted.
                handler.directive(d);
                if (block) ++depth;
                continue;
            }
        }
    }
}

void ConfigParser::include(const Directive& d, DirectiveHandler& handler) {
    if (d.opensBlock) throwAt("directive \"include\" is not terminated by \";\"", d.where);
    if (d.args.size() != 1) throwAt("invalid number of arguments in \"include\" directive", d.where);
    if (includeDepth_ >= kMaxIncludeDepth) {
        throwAt("\"include\" nesting is deeper than " + std::to_string(kMaxIncludeDepth) + " levels",
                d.where);
    }
    std::string pattern = d.args[0];
    if (pattern.empty() || pattern[0] != '/') pattern = includeRoot_ + pattern;

    std::vector<std::string> files;
    if (hasGlobChars(pattern)) {
        glob_t g{};
        int rc = ::glob(pattern.c_str(), 0, nullptr, &g);  // sorted; no match is not an error in nginx
        if (rc == 0) {
            for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
        }
        globfree(&g);
        if (rc != 0 && rc != GLOB_NOMATCH) throwAt("glob() \"" + pattern + "\" failed", d.where);
    } else {
        files.push_back(pattern);
    }

    ++includeDepth_;
    struct DepthGuard {
        int& depth;
        ~DepthGuard() { --depth; }
    } guard{includeDepth_};
    for (const auto& file : files) parseFileAt(file, handler, &d.where);
}

}  // namespace mailwire::config
