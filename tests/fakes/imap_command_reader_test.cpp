#include "imap_command_reader.h"

#include <gtest/gtest.h>

#include "smtp_sasl_exchange.h"

namespace mailwire::fake {
namespace {

using P = ImapCommandReader::Progress;

TEST(ImapCommandReader, FollowsNginxStyleSynchronisingLiterals) {
    ImapCommandReader reader;
    EXPECT_EQ(reader.take("d1 login {4}\r\n"), P::WantsContinuation);
    EXPECT_EQ(reader.take("good {6}\r\n"), P::WantsContinuation);
    EXPECT_EQ(reader.take("se\n"), P::Incomplete);  // literal bytes may hold LF
    EXPECT_EQ(reader.take("cre\r\n"), P::Complete);
    EXPECT_EQ(reader.command().tag, "d1");
    EXPECT_EQ(reader.command().verb, "LOGIN");
    EXPECT_EQ(reader.command().text, "d1 login {4}good {6}se\ncre");
}

TEST(ImapCommandReader, NonSynchronisingAndEmptyLiteralsAndPlainLines) {
    ImapCommandReader reader;
    EXPECT_EQ(reader.take("a APPEND x {3+}\r\n"), P::Incomplete);
    EXPECT_EQ(reader.take("abc {0}\r\n"), P::WantsContinuation);
    EXPECT_EQ(reader.take("\r\n"), P::Complete);
    EXPECT_EQ(reader.command().verb, "APPEND");
    EXPECT_EQ(reader.take("b NOOP\r\n"), P::Complete);
    EXPECT_EQ(reader.command().tag, "b");
    EXPECT_EQ(reader.command().text, "b NOOP");
    EXPECT_EQ(reader.take("c\n"), P::Complete);
    EXPECT_EQ(reader.command().verb, "");
    EXPECT_EQ(reader.take("\r\n"), P::Complete);
    EXPECT_EQ(reader.command().tag, "");
    EXPECT_EQ(reader.take("d X {x}\r\n"), P::Complete);                     // not a literal
    EXPECT_EQ(reader.take("e X {99999999999999999999}\r\n"), P::Complete);  // too long to be one
}

TEST(SmtpSaslExchange, CountsTheLinesEachMechanismNeeds) {
    SmtpSaslExchange exchange;
    EXPECT_EQ(exchange.start("PLAIN AGEAYg=="), SmtpSaslExchange::Next::Done);
    EXPECT_FALSE(exchange.active());
    EXPECT_EQ(exchange.start("plain"), SmtpSaslExchange::Next::Prompt);
    EXPECT_EQ(exchange.prompt(), "334 \r\n");
    EXPECT_TRUE(exchange.active());
    EXPECT_EQ(exchange.take("AGEAYg=="), SmtpSaslExchange::Next::Done);
    EXPECT_EQ(exchange.start("LOGIN"), SmtpSaslExchange::Next::Prompt);
    EXPECT_EQ(exchange.prompt(), "334 VXNlcm5hbWU6\r\n");
    EXPECT_EQ(exchange.take("YQ=="), SmtpSaslExchange::Next::Prompt);
    EXPECT_EQ(exchange.prompt(), "334 UGFzc3dvcmQ6\r\n");
    EXPECT_EQ(exchange.take("*"), SmtpSaslExchange::Next::Cancelled);
    EXPECT_FALSE(exchange.active());
    EXPECT_EQ(exchange.start("LOGIN YQ=="), SmtpSaslExchange::Next::Prompt);
    EXPECT_EQ(exchange.prompt(), "334 UGFzc3dvcmQ6\r\n");
    EXPECT_EQ(exchange.take("Yg=="), SmtpSaslExchange::Next::Done);
    EXPECT_EQ(exchange.start("CRAM-MD5"), SmtpSaslExchange::Next::UnknownMechanism);
    EXPECT_EQ(exchange.start(""), SmtpSaslExchange::Next::UnknownMechanism);
}

}  // namespace
}  // namespace mailwire::fake
