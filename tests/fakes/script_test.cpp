#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth_script.h"
#include "mail_script.h"
#include "pseudo_random.h"
#include "script_error.h"

namespace mailwire::fake {
namespace {

using ::testing::HasSubstr;

std::string mailScriptError(const std::string& json) {
    try {
        MailScript::fromJson(json, "s.json");
    } catch (const ScriptError& e) {
        return e.what();
    }
    return "no error";
}

std::string authScriptError(const std::string& json) {
    try {
        AuthScript::fromJson(json, "a.json");
    } catch (const ScriptError& e) {
        return e.what();
    }
    return "no error";
}

TEST(MailScript, ParsesEveryStepKind) {
    MailScript script = MailScript::fromJson(R"({"connections": [
        [{"send": "* OK fake ready"}, {"expect": "a1 LOGIN {4}"}, {"expect_re": "a2 .*"},
         {"send_raw": "x\u00ff\r\n"}, {"wait_ms": 250}, {"expect_eof": true}, {"close": true}],
        []]})",
                                             "s.json");
    ASSERT_EQ(script.connections.size(), 2u);
    using K = MailStep::Kind;
    EXPECT_EQ(script.connections[0], (MailConnectionScript{{K::Send, "* OK fake ready\r\n"},
                                                           {K::Expect, "a1 LOGIN {4}"},
                                                           {K::Expect, "a2 .*"},
                                                           {K::Send, "x\xff\r\n"},
                                                           {K::Wait, "", 250},
                                                           {K::ExpectEof, ""},
                                                           {K::Close, ""}}));
    EXPECT_TRUE(script.connections[1].empty());
}

TEST(MailScript, ConnectionsBeyondTheListRunTheLastScript) {
    MailScript script =
        MailScript::fromJson(R"({"connections": [[{"send": "one"}], [{"send": "two"}]]})", "s.json");
    EXPECT_EQ(script.forConnection(1)[0].bytes, "one\r\n");
    EXPECT_EQ(script.forConnection(2)[0].bytes, "two\r\n");
    EXPECT_EQ(script.forConnection(7)[0].bytes, "two\r\n");
}

TEST(MailScript, ErrorsNameTheFileThePlaceAndTheProblem) {
    EXPECT_THAT(mailScriptError(R"({"connections": [)"), HasSubstr("s.json: invalid JSON"));
    EXPECT_THAT(mailScriptError(R"([])"), HasSubstr("s.json: top level: expected an object, got an array"));
    EXPECT_THAT(mailScriptError(R"({})"), HasSubstr("missing \"connections\""));
    EXPECT_THAT(mailScriptError(R"({"connections": [], "x": 1})"), HasSubstr("unknown key \"x\""));
    EXPECT_THAT(mailScriptError(R"({"connections": []})"), HasSubstr("at least one connection"));
    EXPECT_THAT(mailScriptError(R"({"connections": [{"send": "x"}]})"),
                HasSubstr("connections[0]: expected an array, got an object"));
    EXPECT_THAT(mailScriptError(R"({"connections": [[{"send": "x"}, {"sned": "y"}]]})"),
                HasSubstr("s.json: connections[0][1]: unknown step \"sned\""));
    EXPECT_THAT(mailScriptError(R"({"connections": [[{"send": "x", "expect": "y"}]]})"),
                HasSubstr("exactly one key"));
    EXPECT_THAT(mailScriptError(R"({"connections": [[{"send": 5}]]})"),
                HasSubstr("connections[0][0].send: expected a string, got a number"));
    EXPECT_THAT(mailScriptError(R"({"connections": [[{"send": "\u0100"}]]})"),
                HasSubstr("connections[0][0].send: code point U+0100"));
    EXPECT_THAT(mailScriptError(R"({"connections": [[{"wait_ms": -1}]]})"),
                HasSubstr("wait_ms: must be between"));
    EXPECT_THAT(mailScriptError(R"({"connections": [[{"wait_ms": 1.5}]]})"),
                HasSubstr("expected a whole number of milliseconds"));
    EXPECT_THAT(mailScriptError(R"({"connections": [[{"close": false}]]})"),
                HasSubstr("close: must be true"));
}

TEST(MailScript, ParsesTheFaultSteps) {
    MailScript script = MailScript::fromJson(R"({"connections": [[
        {"send": "* OK", "split": "bytes", "gap_ms": 20},
        {"send_raw": "abcdef", "split": [2, 3]},
        {"send_random": {"bytes": 10, "seed": 18446744073709551615}, "split": [10]},
        {"send_line_of": {"length": 4, "char": "\u00ff"}},
        {"send_line_of": {"length": 0}},
        {"half_close": true}, {"expect_eof": true}, {"stall": true}, {"reset": true}]]})",
                                             "s.json");
    using K = MailStep::Kind;
    MailStep perByte{K::Send, "* OK\r\n"};
    perByte.split.perByte = true;
    perByte.split.gapMs = 20;
    MailStep sized{K::Send, "abcdef"};
    sized.split.sizes = {2, 3};
    MailStep random{K::Send, splitmix64Bytes(UINT64_MAX, 10)};
    random.split.sizes = {10};
    EXPECT_EQ(script.connections[0], (MailConnectionScript{perByte,
                                                           sized,
                                                           random,
                                                           {K::Send, "\xff\xff\xff\xff\r\n"},
                                                           {K::Send, "\r\n"},
                                                           {K::HalfClose, ""},
                                                           {K::ExpectEof, ""},
                                                           {K::Stall, ""},
                                                           {K::Reset, ""}}));
    EXPECT_FALSE(script.acceptThenSilent);
}

TEST(MailScript, AcceptThenSilentRunsTheEmptyScriptOnEveryConnection) {
    MailScript alone = MailScript::fromJson(R"({"accept_then_silent": true})", "s.json");
    EXPECT_TRUE(alone.acceptThenSilent);
    EXPECT_TRUE(alone.forConnection(1).empty());
    MailScript both =
        MailScript::fromJson(R"({"accept_then_silent": true, "connections": [[{"send": "x"}]]})", "s.json");
    EXPECT_TRUE(both.forConnection(1).empty());
    MailScript off =
        MailScript::fromJson(R"({"accept_then_silent": false, "connections": [[{"send": "x"}]]})", "s.json");
    EXPECT_EQ(off.forConnection(1).size(), 1u);
}

TEST(MailScript, FaultStepErrorsNameTheProblem) {
    auto error = [](const std::string& steps) {
        return mailScriptError(R"({"connections": [[)" + steps + "]]}");
    };
    EXPECT_THAT(
        error(R"({"send": "x", "split": "byte"})"),
        HasSubstr(
            "s.json: connections[0][0].split: expected \"bytes\" or an array of piece sizes, got \"byte\""));
    EXPECT_THAT(
        error(R"({"send": "x", "split": 2})"),
        HasSubstr("connections[0][0].split: expected \"bytes\" or an array of piece sizes, got a number"));
    EXPECT_THAT(error(R"({"send": "x", "split": []})"), HasSubstr("split: needs at least one piece size"));
    EXPECT_THAT(error(R"({"send": "x", "split": [0]})"), HasSubstr("split[0]: a piece is at least 1 byte"));
    EXPECT_THAT(error(R"({"send": "x", "split": [1, "2"]})"),
                HasSubstr("split[1]: expected a whole number, got a string"));
    EXPECT_THAT(error(R"({"send": "x", "split": [2, 2]})"),
                HasSubstr("split: the pieces add up to more than the 3 bytes this step writes"));
    EXPECT_THAT(error(R"({"send": "x", "gap_ms": 5})"),
                HasSubstr("connections[0][0].gap_ms: has no meaning without split"));
    EXPECT_THAT(error(R"({"send": "x", "split": "bytes", "gap_ms": -5})"),
                HasSubstr("gap_ms: must be between"));
    EXPECT_THAT(
        error(R"({"expect": "x", "split": "bytes"})"),
        HasSubstr("connections[0][0]: split only goes with send, send_raw, send_random and send_line_of"));
    EXPECT_THAT(error(R"({"split": "bytes"})"), HasSubstr("exactly one key"));
    EXPECT_THAT(error(R"({"send": "x", "splt": "bytes"})"), HasSubstr("exactly one key"));
    EXPECT_THAT(error(R"({"send_random": {"bytes": 3}})"),
                HasSubstr("connections[0][0].send_random: missing \"seed\""));
    EXPECT_THAT(error(R"({"send_random": {"bytes": 3, "seed": 1, "sed": 2}})"),
                HasSubstr("send_random: unknown key \"sed\" (known: bytes, seed)"));
    EXPECT_THAT(error(R"({"send_random": {"bytes": -3, "seed": 1}})"),
                HasSubstr("send_random.bytes: must be between 0 and 16777216, got -3"));
    EXPECT_THAT(error(R"({"send_random": {"bytes": 16777217, "seed": 1}})"),
                HasSubstr("send_random.bytes: must be between 0 and 16777216"));
    EXPECT_THAT(error(R"({"send_random": {"bytes": 3, "seed": 1.5}})"),
                HasSubstr("send_random.seed: expected a whole number, got a number"));
    EXPECT_THAT(error(R"({"send_random": 3})"), HasSubstr("send_random: expected an object, got a number"));
    EXPECT_THAT(error(R"({"send_line_of": {"char": "x"}})"), HasSubstr("send_line_of: missing \"length\""));
    EXPECT_THAT(error(R"({"send_line_of": {"length": 5, "char": "xy"}})"),
                HasSubstr("send_line_of.char: must be exactly one character, got 2"));
    EXPECT_THAT(error(R"({"send_line_of": {"length": 5, "char": "\u0100"}})"),
                HasSubstr("send_line_of.char: code point U+0100"));
    EXPECT_THAT(error(R"({"send_line_of": {"length": true}})"),
                HasSubstr("send_line_of.length: expected a whole number, got a boolean"));
    EXPECT_THAT(error(R"({"reset": false})"), HasSubstr("connections[0][0].reset: must be true"));
    EXPECT_THAT(error(R"({"stall": "yes"})"), HasSubstr("stall: must be true, got yes"));
    EXPECT_THAT(error(R"({"half_close": 1})"), HasSubstr("half_close: must be true, got a number"));
    EXPECT_THAT(error(R"({"half_close": true}, {"expect": "x"}, {"send": "y"})"),
                HasSubstr("connections[0][2]: cannot send after half_close"));
    EXPECT_THAT(mailScriptError(R"({"accept_then_silent": 1, "connections": [[]]})"),
                HasSubstr("s.json: accept_then_silent: expected true or false, got a number"));
    EXPECT_THAT(mailScriptError(R"({"accept_then_silent": false})"), HasSubstr("missing \"connections\""));
    EXPECT_THAT(mailScriptError(R"({"accept_then_silent": true, "connections": [[{"sned": 1}]]})"),
                HasSubstr("unknown step \"sned\""));
}

TEST(PseudoRandom, IsSplitmix64LeastSignificantByteFirst) {
    // The first two outputs of splitmix64 seeded with 0 are 0xe220a8397b1dcdaf and 0x6e789e6aa1b965f4.
    EXPECT_EQ(splitmix64Bytes(0, 11), std::string("\xaf\xcd\x1d\x7b\x39\xa8\x20\xe2\xf4\x65\xb9", 11));
    EXPECT_EQ(splitmix64Bytes(0, 0), "");
    EXPECT_EQ(splitmix64Bytes(99, 100), splitmix64Bytes(99, 100));
    EXPECT_EQ(splitmix64Bytes(99, 100).substr(0, 40), splitmix64Bytes(99, 40));
    EXPECT_NE(splitmix64Bytes(99, 16), splitmix64Bytes(100, 16));
}

TEST(SplitSend, PiecesFollowTheSizesThenTheRest) {
    SplitSend sizes;
    sizes.sizes = {2, 3};
    EXPECT_EQ(sizes.pieceLength(0, 0, 10), 2u);
    EXPECT_EQ(sizes.pieceLength(1, 2, 10), 3u);
    EXPECT_EQ(sizes.pieceLength(2, 5, 10), 5u);
    SplitSend perByte;
    perByte.perByte = true;
    EXPECT_EQ(perByte.pieceLength(3, 3, 10), 1u);
    EXPECT_EQ(perByte.pieceLength(0, 0, 0), 0u);
}

TEST(AuthScript, ParsesTheThreeKindsOfEntry) {
    AuthScript script = AuthScript::fromJson(R"({"requests": [
        {"response": "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\n\r\n", "delay_ms": 20},
        {"close_without_response": true},
        {"no_response": true}]})",
                                             "a.json");
    using K = AuthReply::Kind;
    ASSERT_EQ(script.requests.size(), 3u);
    EXPECT_EQ(script.requests[0], (AuthReply{K::Respond, "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\n\r\n", 20}));
    EXPECT_EQ(script.requests[1], (AuthReply{K::CloseWithoutResponse, "", 0}));
    EXPECT_EQ(script.requests[2], (AuthReply{K::NoResponse, "", 0}));
    EXPECT_EQ(script.forRequest(9).kind, K::NoResponse);
}

TEST(AuthScript, ParsesTheFaultKeys) {
    AuthScript script = AuthScript::fromJson(R"({"requests": [
        {"response": "HTTP/1.0 200 OK\r\n\r\n", "split": "bytes", "gap_ms": 5, "then": "reset"},
        {"response": "HTTP/1.0 200 OK\r\n\r\n", "split": [4, 4], "then": "stall"},
        {"response": "HTTP/1.0 200 OK\r\n\r\n", "then": "close"},
        {"response": "HTTP/1.0 200 OK\r\n\r\n", "half_close": true},
        {"reset": true, "delay_ms": 7}]})",
                                             "a.json");
    using K = AuthReply::Kind;
    using A = AuthReply::After;
    ASSERT_EQ(script.requests.size(), 5u);
    EXPECT_TRUE(script.requests[0].split.perByte);
    EXPECT_EQ(script.requests[0].split.gapMs, 5);
    EXPECT_EQ(script.requests[0].after, A::Reset);
    EXPECT_EQ(script.requests[1].split.sizes, (std::vector<std::size_t>{4, 4}));
    EXPECT_EQ(script.requests[1].after, A::Stall);
    EXPECT_EQ(script.requests[2].after, A::Close);
    EXPECT_FALSE(script.requests[2].split.splits());
    EXPECT_EQ(script.requests[3].after, A::HalfClose);
    EXPECT_EQ(script.requests[4], (AuthReply{K::Reset, "", 7}));
}

TEST(AuthScript, FaultKeyErrorsNameTheProblem) {
    EXPECT_THAT(
        authScriptError(R"({"requests": [{"response": "x", "then": "rst"}]})"),
        HasSubstr("a.json: requests[0].then: expected \"close\", \"reset\" or \"stall\", got \"rst\""));
    EXPECT_THAT(authScriptError(R"({"requests": [{"response": "x", "then": true}]})"),
                HasSubstr("requests[0].then: expected \"close\", \"reset\" or \"stall\", got a boolean"));
    EXPECT_THAT(authScriptError(R"({"requests": [{"response": "x", "then": "close", "half_close": true}]})"),
                HasSubstr("requests[0]: half_close and then both say what follows the response"));
    EXPECT_THAT(authScriptError(R"({"requests": [{"reset": true, "response": "x"}]})"),
                HasSubstr("needs exactly one of response, close_without_response, no_response, reset"));
    EXPECT_THAT(authScriptError(R"({"requests": [{"reset": false}]})"),
                HasSubstr("requests[0].reset: must be true"));
    EXPECT_THAT(authScriptError(R"({"requests": [{"reset": true, "then": "stall"}]})"),
                HasSubstr("requests[0]: then only goes with response"));
    EXPECT_THAT(authScriptError(R"({"requests": [{"close_without_response": true, "split": "bytes"}]})"),
                HasSubstr("requests[0]: split only goes with response"));
    EXPECT_THAT(authScriptError(R"({"requests": [{"no_response": true, "half_close": true}]})"),
                HasSubstr("requests[0]: half_close only goes with response"));
    EXPECT_THAT(authScriptError(R"({"requests": [{"response": "abc", "split": [4]}]})"),
                HasSubstr("requests[0].split: the pieces add up to more than the 3 bytes this step writes"));
    EXPECT_THAT(authScriptError(R"({"requests": [{"response": "abc", "gap_ms": 4}]})"),
                HasSubstr("requests[0].gap_ms: has no meaning without split"));
    EXPECT_THAT(authScriptError(R"({"requests": [{"response": "x", "half_close": "yes"}]})"),
                HasSubstr("requests[0].half_close: must be true, got yes"));
    EXPECT_THAT(
        authScriptError(R"({"requests": [{"response": "x", "stall": true}]})"),
        HasSubstr("unknown key \"stall\" (known: response, close_without_response, no_response, reset, "
                  "delay_ms, split, gap_ms, then, half_close)"));
}

TEST(AuthScript, ErrorsNameTheFileThePlaceAndTheProblem) {
    EXPECT_THAT(authScriptError("{"), HasSubstr("a.json: invalid JSON"));
    EXPECT_THAT(authScriptError(R"({"requests": []})"), HasSubstr("needs at least one entry"));
    EXPECT_THAT(authScriptError(R"({"requests": [{"response": "x", "dealy_ms": 3}]})"),
                HasSubstr("a.json: requests[0]: unknown key \"dealy_ms\""));
    EXPECT_THAT(authScriptError(R"({"requests": [{"delay_ms": 3}]})"),
                HasSubstr("exactly one of response, close_without_response, no_response"));
    EXPECT_THAT(authScriptError(R"({"requests": [{"response": "x", "no_response": true}]})"),
                HasSubstr("exactly one of"));
    EXPECT_THAT(authScriptError(R"({"requests": [{"response": "\u20ac"}]})"),
                HasSubstr("requests[0].response: code point U+20AC"));
}

}  // namespace
}  // namespace mailwire::fake
