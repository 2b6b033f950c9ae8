#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth_script.h"
#include "mail_script.h"
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
