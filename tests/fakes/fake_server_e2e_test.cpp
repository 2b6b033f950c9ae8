// Drives a real FakeServer on 127.0.0.1:0 with plain sockets, then reads the transcript.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include "running_fake.h"
#include "script_error.h"

namespace mailwire::fake {
namespace {

using e2e::Client;
using e2e::RunningFake;
using e2e::writeTempScript;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(FakeImapE2E, RunsTheScriptAndRecordsEveryEvent) {
    RunningFake fake("imap", R"({"connections": [[
        {"send": "* OK fake ready"}, {"expect": "a1 LOGIN {4}"}, {"send": "+ go ahead"},
        {"expect": "user"}, {"wait_ms": 1}, {"send_raw": "a1 OK\r\n"}, {"expect_eof": true}]]})");
    Client client(fake.port());
    EXPECT_EQ(client.readLine(), "* OK fake ready\r\n");
    client.send("a1 LOGIN {4}\r\n");
    EXPECT_EQ(client.readLine(), "+ go ahead\r\n");
    client.send("user\r\n");
    EXPECT_EQ(client.readLine(), "a1 OK\r\n");
    client.send("extra\r\ntail");
    client.shutdownWrite();
    EXPECT_EQ(client.readUntilEof(), "");
    EXPECT_THAT(fake.events(),
                ElementsAre("1 accept", "1 send * OK fake ready\r\n", "1 recv a1 LOGIN {4}\r\n",
                            "1 send + go ahead\r\n", "1 recv user\r\n", "1 send a1 OK\r\n",
                            "1 recv extra\r\n", "1 recv tail", "1 eof", "1 close"));
}

TEST(FakeImapE2E, ScriptedCloseClosesTheConnection) {
    RunningFake fake("imap", R"({"connections": [[{"send": "* BYE"}, {"close": true}]]})");
    Client client(fake.port());
    EXPECT_EQ(client.readUntilEof(), "* BYE\r\n");
    EXPECT_THAT(fake.events(), ElementsAre("1 accept", "1 send * BYE\r\n", "1 close"));
}

TEST(FakeImapE2E, ExpectAtEofRecordsEofAndEndsTheScript) {
    RunningFake fake("imap", R"({"connections": [[{"expect": "a"}, {"send": "never"}]]})");
    Client client(fake.port());
    client.shutdownWrite();
    EXPECT_EQ(client.readUntilEof(), "");
    EXPECT_THAT(fake.events(), ElementsAre("1 accept", "1 eof", "1 close"));
}

TEST(FakeImapE2E, BinaryBytesAreRecordedOneCodePointPerByte) {
    RunningFake fake("imap", "");
    Client client(fake.port());
    EXPECT_EQ(client.readLine(), "* OK mailwire-fake IMAP ready\r\n");
    static const char line[] = "b1 NOOP \x00\x01\x7f\x80\xff\"\\\r\n";
    client.send(std::string(line, sizeof line - 1));
    EXPECT_EQ(client.readLine(), "b1 OK NOOP completed\r\n");
    client.shutdownWrite();
    client.readUntilEof();
    std::string raw = fake.rawTranscript();
    EXPECT_THAT(raw,
                HasSubstr(R"("event": "recv", "data": "b1 NOOP \u0000\u0001\u007f\u0080\u00ff\"\\\r\n"})"));
}

TEST(FakeImapE2E, DefaultScriptAnswersTheNginxLoginSequence) {
    RunningFake fake("imap", "");
    Client client(fake.port());
    EXPECT_EQ(client.readLine(), "* OK mailwire-fake IMAP ready\r\n");
    client.send("d1 LOGIN {4}\r\n");
    EXPECT_EQ(client.readLine(), "+ OK\r\n");
    client.send("good {6}\r\n");
    EXPECT_EQ(client.readLine(), "+ OK\r\n");
    client.send("secret\r\n");
    EXPECT_EQ(client.readLine(), "d1 OK LOGIN completed\r\n");
    client.send("d2 LOGOUT\r\n");
    EXPECT_EQ(client.readUntilEof(), "* BYE mailwire-fake logging out\r\nd2 OK LOGOUT completed\r\n");
}

TEST(FakeImapE2E, AWaitingConnectionDoesNotHoldUpOthers) {
    RunningFake fake("imap", R"({"connections": [
        [{"wait_ms": 3600000}, {"send": "late"}],
        [{"send": "second"}, {"close": true}]]})");
    Client first(fake.port());
    Client second(fake.port());
    EXPECT_EQ(second.readUntilEof(), "second\r\n");
    // The first connection is still in its hour-long wait when the fake stops.
    EXPECT_THAT(fake.events(),
                ElementsAre("1 accept", "2 accept", "2 send second\r\n", "2 close", "1 close"));
}

TEST(FakeImapE2E, HugeLinesAreRecordedInBoundedPieces) {
    RunningFake fake("imap", R"({"connections": [[]]})");
    Client client(fake.port());
    client.send(std::string(200000, 'x') + "\r\n");
    client.shutdownWrite();
    client.readUntilEof();
    auto events = fake.events();
    ASSERT_EQ(events.size(), 7u);  // accept, 4 pieces, eof, close
    std::string all;
    for (std::size_t i = 1; i <= 4; ++i) {
        ASSERT_THAT(events[i], StartsWith("1 recv "));
        EXPECT_LE(events[i].size() - 7, 65536u);
        all += events[i].substr(7);
    }
    EXPECT_EQ(all, std::string(200000, 'x') + "\r\n");
    EXPECT_EQ(events[5], "1 eof");
}

TEST(FakeAuthE2E, AnswersEachRequestFromItsEntry) {
    RunningFake fake("auth", R"({"requests": [
        {"response": "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\n\r\n", "delay_ms": 1},
        {"close_without_response": true},
        {"no_response": true}]})");
    const std::string head = "GET /auth HTTP/1.0\r\nHost: localhost\r\nAuth-User: a\r\n\r\n";
    {
        Client client(fake.port());
        client.send(head);
        EXPECT_EQ(client.readUntilEof(), "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\n\r\n");
    }
    {
        Client client(fake.port());
        client.send(head);
        EXPECT_EQ(client.readUntilEof(), "");
    }
    {
        Client client(fake.port());
        client.send("GET /auth HTTP/1.0\nHost: x\n\n");
        client.shutdownWrite();
        EXPECT_EQ(client.readUntilEof(), "");
    }
    EXPECT_THAT(fake.events(),
                ElementsAre("1 accept", "1 recv " + head, "1 send HTTP/1.0 200 OK\r\nAuth-Status: OK\r\n\r\n",
                            "1 close", "2 accept", "2 recv " + head, "2 close", "3 accept",
                            "3 recv GET /auth HTTP/1.0\nHost: x\n\n", "3 eof", "3 close"));
}

TEST(FakeAuthE2E, AClientClosingBeforeTheBlankLineIsRecorded) {
    RunningFake fake("auth", "");
    Client client(fake.port());
    client.send("GET /auth HTTP/1.0\r\nAuth-Us");
    client.shutdownWrite();
    EXPECT_EQ(client.readUntilEof(), "");
    EXPECT_THAT(fake.events(),
                ElementsAre("1 accept", "1 recv GET /auth HTTP/1.0\r\nAuth-Us", "1 eof", "1 close"));
}

TEST(FakeAuthE2E, DefaultScriptSendsGoodLoginsToTheBackend) {
    RunningFake fake("auth", "");
    Client good(fake.port());
    good.send("GET /auth HTTP/1.0\r\nAuth-User: good\r\nAuth-Pass: x\r\n\r\n");
    EXPECT_EQ(good.readUntilEof(),
              "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\nAuth-Server: 127.0.0.1\r\nAuth-Port: 20143\r\n\r\n");
    Client bad(fake.port());
    bad.send("GET /auth HTTP/1.0\r\nAuth-User: bad\r\nAuth-Pass: x\r\n\r\n");
    EXPECT_EQ(bad.readUntilEof(),
              "HTTP/1.0 200 OK\r\nAuth-Status: Invalid login or password\r\nAuth-Wait: 1\r\n\r\n");
}

TEST(FakeAuthE2E, StoppingRecordsCloseForAnOpenConnection) {
    RunningFake fake("auth", R"({"requests": [{"no_response": true}]})");
    Client idle(fake.port());
    // Accepted after the idle one (the accept queue is FIFO), so once it is done the idle one is open.
    Client second(fake.port());
    second.send("GET / HTTP/1.0\r\n\r\n");
    second.shutdownWrite();
    second.readUntilEof();
    EXPECT_THAT(fake.events(), ElementsAre("1 accept", "2 accept", "2 recv GET / HTTP/1.0\r\n\r\n", "2 eof",
                                           "2 close", "1 close"));
}

TEST(FakeServerSetup, ABadScriptNamesTheFile) {
    std::string path = writeTempScript(R"({"connections": [[{"sned": "x"}]]})");
    FakeOptions options;
    options.protocol = "imap";
    options.listen = {"127.0.0.1:0"};
    options.scriptPath = path;
    std::ostringstream out;
    try {
        FakeServer server(options, std::make_unique<Transcript>(out, Transcript::Clock::now()));
        ADD_FAILURE() << "no ScriptError";
    } catch (const ScriptError& e) {
        EXPECT_THAT(e.what(), HasSubstr(path + ": connections[0][0]: unknown step \"sned\""));
    }
    std::remove(path.c_str());
}

}  // namespace
}  // namespace mailwire::fake
