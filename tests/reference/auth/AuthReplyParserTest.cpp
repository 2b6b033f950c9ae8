// The auth_http response head, parsed the way nginx parses it (§7.5).
#include <gtest/gtest.h>

#include <string>

#include "auth/AuthReply.h"

namespace mailwire::auth {
namespace {

using State = AuthReplyParser::State;

State feedAll(AuthReplyParser& parser, const std::string& bytes) {
    return parser.feed(bytes.data(), bytes.size());
}

State feedByteByByte(AuthReplyParser& parser, const std::string& bytes) {
    State state = State::NeedMore;
    for (const char c : bytes) state = parser.feed(&c, 1);
    return state;
}

const std::string kOkReply =
    "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\nAuth-Server: 127.0.0.1\r\nAuth-Port: 143\r\n\r\n";

TEST(AuthReplyParser, ParsesTypicalSuccess) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, kOkReply), State::Done);
    EXPECT_EQ(parser.reply().status, "OK");
    EXPECT_EQ(parser.reply().server, "127.0.0.1");
    EXPECT_EQ(parser.reply().port, "143");
    EXPECT_FALSE(parser.reply().user.has_value());
    EXPECT_FALSE(parser.reply().pass.has_value());
    EXPECT_EQ(parser.reply().waitSeconds, 0);
    EXPECT_EQ(parser.consumed(), kOkReply.size());
}

TEST(AuthReplyParser, ByteByByteGivesTheSameResult) {
    const std::string bytes =
        "HTTP/1.1 500 Whatever\r\nAuth-Status: Invalid login or password\r\nAuth-Wait: 3\r\n"
        "Auth-Error-Code: 550 5.7.1\r\nAuth-User: new\r\nAuth-Pass: secret\r\n\r\nbody";
    AuthReplyParser parser;
    ASSERT_EQ(feedByteByByte(parser, bytes), State::Done);
    EXPECT_EQ(parser.reply().status, "Invalid login or password");
    EXPECT_EQ(parser.reply().waitSeconds, 3);
    EXPECT_EQ(parser.reply().errorCode, "550 5.7.1");
    EXPECT_EQ(parser.reply().user, "new");
    EXPECT_EQ(parser.reply().pass, "secret");
}

TEST(AuthReplyParser, NeedsMoreUntilTheBlankLine) {
    AuthReplyParser parser;
    EXPECT_EQ(feedAll(parser, "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\n"), State::NeedMore);
    EXPECT_EQ(feedAll(parser, "\r"), State::NeedMore);
    EXPECT_EQ(feedAll(parser, "\n"), State::Done);
}

TEST(AuthReplyParser, IgnoresTheBodyAndLaterFeeds) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "Auth-Status: OK\r\n\r\nAuth-Status: no\r\n_bad"), State::Done);
    EXPECT_EQ(feedAll(parser, "more body \x01\r\r"), State::Done);
    EXPECT_EQ(parser.reply().status, "OK");
}

TEST(AuthReplyParser, WithoutHttpPrefixHeadersStartAtTheFirstByte) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "Auth-Status: OK\r\nAuth-Port: 110\r\n\r\n"), State::Done);
    EXPECT_EQ(parser.reply().status, "OK");
    EXPECT_EQ(parser.reply().port, "110");
}

TEST(AuthReplyParser, PartialHttpPrefixIsReadAsAHeaderName) {
    AuthReplyParser parser;
    ASSERT_EQ(feedByteByByte(parser, "HTTP: x\r\nAuth-Status: OK\r\n\r\n"), State::Done);
    EXPECT_EQ(parser.reply().status, "OK");
}

TEST(AuthReplyParser, LowercaseHttpIsNotAStatusLine) {
    // "http/1.0 200 OK" is read as a header line: '/' is not allowed in a name.
    AuthReplyParser parser;
    EXPECT_EQ(feedAll(parser, "http/1.0 200 OK\r\n\r\n"), State::Invalid);
    EXPECT_EQ(parser.error(), "sent invalid header in response");
}

TEST(AuthReplyParser, StatusCodeIsIgnored) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "HTTP/1.0 404 Not Found\r\nAuth-Status: OK\r\n\r\n"), State::Done);
    EXPECT_EQ(parser.reply().status, "OK");
}

TEST(AuthReplyParser, StatusLineMayEndWithBareLf) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "HTTP/1.0 200 OK\nAuth-Status: OK\n\n"), State::Done);
    EXPECT_EQ(parser.reply().status, "OK");
}

TEST(AuthReplyParser, CrWithoutLfInStatusLineIsAnInvalidResponse) {
    AuthReplyParser parser;
    EXPECT_EQ(feedByteByByte(parser, "HTTP/1.0 200 OK\rX\n\r\n"), State::Invalid);
    EXPECT_EQ(parser.error(), "sent invalid response");
}

TEST(AuthReplyParser, StatusLineOnlyHead) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "HTTP/1.0 200 OK\r\n\r\n"), State::Done);
    EXPECT_FALSE(parser.reply().status.has_value());
}

TEST(AuthReplyParser, BareLfEndsHeaderLinesAndTheHead) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "Auth-Status: OK\nAuth-Server: ::1\n\n"), State::Done);
    EXPECT_EQ(parser.reply().server, "::1");
}

TEST(AuthReplyParser, UnderscoreInNameIsInvalid) {
    AuthReplyParser parser;
    EXPECT_EQ(feedAll(parser, "Auth_Status: OK\r\n\r\n"), State::Invalid);
    EXPECT_EQ(parser.error(), "sent invalid header in response");
}

TEST(AuthReplyParser, NameMustStartWithLetterOrDigit) {
    for (const char* bytes :
         {"-Auth: x\r\n\r\n", " Auth-Status: OK\r\n\r\n", ":x\r\n\r\n", "\tA: b\r\n\r\n"}) {
        AuthReplyParser parser;
        EXPECT_EQ(feedAll(parser, bytes), State::Invalid) << bytes;
        EXPECT_EQ(parser.error(), "sent invalid header in response");
    }
    AuthReplyParser digits;
    EXPECT_EQ(feedAll(digits, "1X-2: y\r\n\r\n"), State::Done);
}

TEST(AuthReplyParser, SpaceBeforeColonIsInvalid) {
    AuthReplyParser parser;
    EXPECT_EQ(feedAll(parser, "Auth-Status : OK\r\n\r\n"), State::Invalid);
}

TEST(AuthReplyParser, CrFollowedByOtherThanLfIsInvalid) {
    for (const char* bytes :
         {"Auth-Status: OK\rX\r\n\r\n", "Auth-Status: OK\r\n\rX", "Auth-Status\rX", "A:\rX"}) {
        AuthReplyParser parser;
        EXPECT_EQ(feedAll(parser, bytes), State::Invalid) << bytes;
        EXPECT_EQ(parser.error(), "sent invalid header in response");
    }
}

TEST(AuthReplyParser, SkipsSpacesAfterColonAndTrimsTrailingSpaces) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "Auth-Status:    Invalid   login  \r\n\r\n"), State::Done);
    EXPECT_EQ(parser.reply().status, "Invalid   login");
}

TEST(AuthReplyParser, TabsAreValueBytes) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "Auth-Status: \tno\t\r\n\r\n"), State::Done);
    EXPECT_EQ(parser.reply().status, "\tno\t");
}

TEST(AuthReplyParser, NoSpaceAfterColonIsFine) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "Auth-Port:143\r\n\r\n"), State::Done);
    EXPECT_EQ(parser.reply().port, "143");
}

TEST(AuthReplyParser, NameDirectlyFollowedByLineEndIsAnEmptyValue) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "Auth-Pass\r\nAuth-User\n\r\n"), State::Done);
    EXPECT_EQ(parser.reply().pass, "");
    EXPECT_EQ(parser.reply().user, "");
}

TEST(AuthReplyParser, ColonThenOnlySpacesIsAnEmptyValue) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "Auth-Status:    \r\n\r\n"), State::Done);
    EXPECT_EQ(parser.reply().status, "");
}

TEST(AuthReplyParser, NamesAreCaseInsensitiveValuesAreNot) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "AUTH-STATUS: ok\r\nauth-server: 10.0.0.1\r\naUtH-pOrT: 25\r\n\r\n"),
              State::Done);
    EXPECT_EQ(parser.reply().status, "ok");
    EXPECT_EQ(parser.reply().server, "10.0.0.1");
    EXPECT_EQ(parser.reply().port, "25");
}

TEST(AuthReplyParser, LastRepeatedHeaderWins) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser,
                      "Auth-Server: 10.0.0.1\r\nAuth-Port: 1\r\nAuth-Server: 10.0.0.2\r\n"
                      "auth-port: 2\r\nAuth-Status: No\r\nAuth-Status: Later\r\n\r\n"),
              State::Done);
    EXPECT_EQ(parser.reply().server, "10.0.0.2");
    EXPECT_EQ(parser.reply().port, "2");
    EXPECT_EQ(parser.reply().status, "Later");
}

TEST(AuthReplyParser, UnknownHeadersAreIgnored) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "Content-Type: text/html\r\nX-Auth-Status: no\r\nAuth-Status-X: no\r\n\r\n"),
              State::Done);
    EXPECT_FALSE(parser.reply().status.has_value());
}

TEST(AuthReplyParser, AuthWaitTakesDecimalDigitsOnly) {
    const std::pair<const char*, int> cases[] = {{"3", 3},  {"0", 0},   {"007", 7},
                                                 {"3s", 0}, {"-1", 0},  {"+2", 0},
                                                 {"", 0},   {"1 2", 0}, {"99999999999999999999", 0}};
    for (const auto& [value, expected] : cases) {
        AuthReplyParser parser;
        ASSERT_EQ(feedAll(parser, std::string("Auth-Wait: ") + value + "\r\n\r\n"), State::Done) << value;
        EXPECT_EQ(parser.reply().waitSeconds, expected) << value;
    }
}

TEST(AuthReplyParser, InvalidAuthWaitKeepsAnEarlierValidOne) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, "Auth-Wait: 4\r\nAuth-Wait: x\r\n\r\n"), State::Done);
    EXPECT_EQ(parser.reply().waitSeconds, 4);
}

TEST(AuthReplyParser, HeadEndingExactlyAtTheLimitIsAccepted) {
    std::string head = "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\nX-Pad: ";
    head += std::string(AuthReplyParser::kMaxHead - head.size() - 4, 'p');
    head += "\r\n\r\n";
    ASSERT_EQ(head.size(), AuthReplyParser::kMaxHead);
    AuthReplyParser parser;
    EXPECT_EQ(feedAll(parser, head + "body"), State::Done);
    EXPECT_EQ(parser.reply().status, "OK");
}

TEST(AuthReplyParser, HeadLongerThanTheLimitIsTooLong) {
    std::string head = "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\nX-Pad: ";
    head += std::string(AuthReplyParser::kMaxHead - head.size() - 3, 'p');
    head += "\r\n\r\n";  // the final LF is byte 1025
    AuthReplyParser parser;
    EXPECT_EQ(feedAll(parser, head), State::TooLong);
    EXPECT_EQ(parser.consumed(), AuthReplyParser::kMaxHead);
    EXPECT_EQ(feedAll(parser, "\r\n"), State::TooLong);
}

TEST(AuthReplyParser, TooLongIsReportedWhenTheLimitIsReachedInSmallFeeds) {
    AuthReplyParser parser;
    State state = State::NeedMore;
    std::string line = "X-Pad: 0123456789\r\n";
    size_t fed = 0;
    while (state == State::NeedMore) {
        state = feedAll(parser, line);
        fed += line.size();
    }
    EXPECT_EQ(state, State::TooLong);
    EXPECT_GE(fed, AuthReplyParser::kMaxHead);
}

TEST(AuthReplyParser, InvalidBytesBeyondTheLimitAreNeverSeen) {
    AuthReplyParser parser;
    EXPECT_EQ(feedAll(parser, std::string(AuthReplyParser::kMaxHead, 'A') + "_"), State::TooLong);
}

TEST(AuthReplyParser, NulInValueIsKept) {
    AuthReplyParser parser;
    ASSERT_EQ(feedAll(parser, std::string("Auth-Server: 1.2.3.4\0x\r\n\r\n", 26)), State::Done);
    EXPECT_EQ(parser.reply().server, std::string("1.2.3.4\0x", 9));
}

}  // namespace
}  // namespace mailwire::auth
