// Spec 6.1 over a mocked transport: which questions are asked and what host and log lines come out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mocks/DnsMocks.h"
#include "mocks/ManualTimers.h"
#include "resolver/DnsClientHostResolver.h"

namespace mailwire::resolver {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SaveArg;
using Strings = std::vector<std::string>;

DnsRecord record(RecordType type, const std::string& value) {
    DnsRecord r;
    r.type = static_cast<uint16_t>(type);
    r.value = value;
    return r;
}

DnsAnswer answer(int code, std::vector<DnsRecord> records = {}) {
    return DnsAnswer{code, std::move(records)};
}

class DnsClientHostResolverTest : public ::testing::Test {
  protected:
    void make(bool ipv4 = true, bool ipv6 = true) {
        auto owned = std::make_unique<::testing::NiceMock<testing::MockDnsTransport>>();
        transport = owned.get();
        resolver = std::make_unique<DnsClientHostResolver>(std::move(owned), timers, ipv4, ipv6);
    }
    void start(const std::string& ip = "127.0.0.1") {
        resolver->start(ip, [this](const std::string& h, const std::vector<ResolverLog>& logs) {
            ++calls;
            host = h;
            errorLogs.clear();
            errorActions.clear();
            for (const auto& log : logs) {
                errorLogs.push_back(log.text);
                errorActions.push_back(log.action);
            }
        });
    }
    // Starts and answers the PTR question with `ptr`.
    void startWithPtr(const DnsAnswer& ptr, const std::string& ip = "127.0.0.1") {
        DnsTransport::Done ptrDone;
        EXPECT_CALL(*transport, ask(reverseName(ip), RecordType::Ptr, _)).WillOnce(SaveArg<2>(&ptrDone));
        start(ip);
        ASSERT_TRUE(ptrDone);
        ptrDone(ptr);
    }
    void expectForward(DnsTransport::Done& a, DnsTransport::Done& aaaa,
                       const std::string& name = "client.example.test") {
        EXPECT_CALL(*transport, ask(name, RecordType::A, _)).WillOnce(SaveArg<2>(&a));
        EXPECT_CALL(*transport, ask(name, RecordType::Aaaa, _)).WillOnce(SaveArg<2>(&aaaa));
    }

    testing::ManualTimers timers;
    testing::MockDnsTransport* transport = nullptr;
    std::unique_ptr<DnsClientHostResolver> resolver;
    int calls = 0;
    std::string host;
    Strings errorLogs;
    Strings errorActions;
};

const DnsAnswer kPtrClient = answer(kNoError, {record(RecordType::Ptr, "client.example.test")});

TEST_F(DnsClientHostResolverTest, ConfirmedNameBecomesTheHost) {
    make();
    DnsTransport::Done a, aaaa;
    expectForward(a, aaaa);
    startWithPtr(kPtrClient);
    EXPECT_EQ(calls, 0);
    a(answer(kNoError, {record(RecordType::A, "192.0.2.1"), record(RecordType::A, "127.0.0.1")}));
    EXPECT_EQ(calls, 0);  // waits for AAAA too
    aaaa(answer(kNoError));
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(host, "client.example.test");
    EXPECT_THAT(errorLogs, IsEmpty());
}

TEST_F(DnsClientHostResolverTest, PtrFailures) {
    struct Case {
        DnsAnswer ptr;
        std::string host;
        std::string log;
    };
    const Case cases[] = {
        {answer(kNxDomain), "[UNAVAILABLE]", "127.0.0.1 could not be resolved (3: Host not found)"},
        {answer(kNoError), "[UNAVAILABLE]", "127.0.0.1 could not be resolved (3: Host not found)"},
        {answer(kServFail), "[TEMPUNAVAIL]", "127.0.0.1 could not be resolved (2: Server failure)"},
        {answer(kRefused), "[TEMPUNAVAIL]", "127.0.0.1 could not be resolved (5: Operation refused)"},
        {answer(kFormErr), "[TEMPUNAVAIL]", "127.0.0.1 could not be resolved (1: Format error)"},
        {answer(kNotImp), "[TEMPUNAVAIL]", "127.0.0.1 could not be resolved (4: Unimplemented)"},
        {answer(9), "[TEMPUNAVAIL]", "127.0.0.1 could not be resolved (9: Unknown error)"},
        {answer(kTimedOut), "[TEMPUNAVAIL]", "127.0.0.1 could not be resolved (110: Operation timed out)"},
    };
    for (const auto& c : cases) {
        make();
        calls = 0;
        EXPECT_CALL(*transport, ask(_, RecordType::A, _)).Times(0);
        startWithPtr(c.ptr);
        EXPECT_EQ(calls, 1);
        EXPECT_EQ(host, c.host);
        EXPECT_THAT(errorLogs, ElementsAre(c.log));
        EXPECT_THAT(errorActions, ElementsAre("in resolving client address"));
    }
}

TEST_F(DnsClientHostResolverTest, InvalidPtrNamesAreNotLookedUp) {
    for (const std::string name : {"bad_name.example.test", "", "a b", "caf\xc3\xa9.test", "x\ty"}) {
        make();
        calls = 0;
        EXPECT_CALL(*transport, ask(_, RecordType::A, _)).Times(0);
        startWithPtr(answer(kNoError, {record(RecordType::Ptr, name)}));
        EXPECT_EQ(calls, 1);
        EXPECT_EQ(host, "[TEMPUNAVAIL]");
        EXPECT_THAT(errorLogs, ElementsAre("127.0.0.1 resolved to invalid host name \"" + name + "\""));
        EXPECT_THAT(errorActions, ElementsAre("in resolving client address"));
    }
}

TEST_F(DnsClientHostResolverTest, ValidHostNames) {
    EXPECT_TRUE(DnsClientHostResolver::validHostName("Mail-1.Example.TEST"));
    EXPECT_TRUE(DnsClientHostResolver::validHostName("-."));
    EXPECT_FALSE(DnsClientHostResolver::validHostName(""));
    EXPECT_FALSE(DnsClientHostResolver::validHostName("a_b"));
    EXPECT_FALSE(DnsClientHostResolver::validHostName(std::string("a\0b", 3)));
}

TEST_F(DnsClientHostResolverTest, TheFirstPtrRecordCounts) {
    make();
    DnsTransport::Done a, aaaa;
    expectForward(a, aaaa);
    startWithPtr(answer(kNoError, {record(RecordType::Cname, "x.in-addr.arpa"),
                                   record(RecordType::Ptr, "client.example.test"),
                                   record(RecordType::Ptr, "other.example.test")}));
    a(answer(kNoError, {record(RecordType::A, "127.0.0.1")}));
    aaaa(answer(kNoError));
    EXPECT_EQ(host, "client.example.test");
}

struct ForwardCase {
    const char* what;
    DnsAnswer first;  // arrives first
    bool firstIsA;
    DnsAnswer second;
    std::string host;
    Strings logs;
};

TEST_F(DnsClientHostResolverTest, ForwardOutcomesFollowNginx) {
    const std::string failed = "\"client.example.test\" could not be resolved ";
    const DnsAnswer aMatch = answer(kNoError, {record(RecordType::A, "127.0.0.1")});
    const DnsAnswer aOther = answer(kNoError, {record(RecordType::A, "127.0.0.2")});
    const DnsAnswer aaaaLoopback = answer(kNoError, {record(RecordType::Aaaa, "::1")});
    const ForwardCase cases[] = {
        {"no match", aOther, true, answer(kNoError), "[UNAVAILABLE]", {}},
        {"AAAA never matches IPv4", answer(kNoError), true, aaaaLoopback, "[UNAVAILABLE]", {}},
        {"both empty",
         answer(kNoError),
         true,
         answer(kNoError),
         "[UNAVAILABLE]",
         {failed + "(3: Host not found)"}},
        {"both NXDOMAIN",
         answer(kNxDomain),
         true,
         answer(kNxDomain),
         "[UNAVAILABLE]",
         {failed + "(3: Host not found)"}},
        {"A SERVFAIL",
         answer(kServFail),
         true,
         answer(kNoError),
         "[TEMPUNAVAIL]",
         {failed + "(2: Server failure)"}},
        {"later NXDOMAIN spoils a match",
         aMatch,
         true,
         answer(kNxDomain),
         "[UNAVAILABLE]",
         {failed + "(3: Host not found)"}},
        {"earlier error spoils a later match",
         answer(kServFail),
         false,
         aMatch,
         "[TEMPUNAVAIL]",
         {failed + "(2: Server failure)"}},
        {"the later error wins",
         answer(kServFail),
         true,
         answer(kNxDomain),
         "[UNAVAILABLE]",
         {failed + "(3: Host not found)"}},
        {"an empty answer first does not spoil", answer(kNoError), false, aMatch, "client.example.test", {}},
        {"a timeout ends it at once",
         answer(kTimedOut),
         true,
         aMatch,
         "[TEMPUNAVAIL]",
         {failed + "(110: Operation timed out)"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        make();
        calls = 0;
        DnsTransport::Done a, aaaa;
        expectForward(a, aaaa);
        startWithPtr(kPtrClient);
        (c.firstIsA ? a : aaaa)(c.first);
        if (calls == 0) (c.firstIsA ? aaaa : a)(c.second);
        EXPECT_EQ(calls, 1);
        EXPECT_EQ(host, c.host);
        EXPECT_EQ(errorLogs, c.logs);
        for (const auto& action : errorActions) EXPECT_EQ(action, "in resolving client hostname");
    }
}

TEST_F(DnsClientHostResolverTest, Ipv6OffAsksOnlyA) {
    make(true, false);
    DnsTransport::Done a;
    EXPECT_CALL(*transport, ask("client.example.test", RecordType::A, _)).WillOnce(SaveArg<2>(&a));
    EXPECT_CALL(*transport, ask(_, RecordType::Aaaa, _)).Times(0);
    startWithPtr(kPtrClient);
    a(answer(kNoError, {record(RecordType::A, "127.0.0.1")}));
    EXPECT_EQ(host, "client.example.test");
}

TEST_F(DnsClientHostResolverTest, Ipv6ClientIsConfirmedByAaaa) {
    make(false, true);
    DnsTransport::Done ptrDone, aaaa;
    EXPECT_CALL(*transport, ask("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
                                RecordType::Ptr, _))
        .WillOnce(SaveArg<2>(&ptrDone));
    EXPECT_CALL(*transport, ask("client.example.test", RecordType::Aaaa, _)).WillOnce(SaveArg<2>(&aaaa));
    start("2001:db8::1");
    ptrDone(kPtrClient);
    aaaa(answer(kNoError, {record(RecordType::Aaaa, "2001:0db8:0:0::1")}));
    EXPECT_EQ(host, "client.example.test");
}

TEST_F(DnsClientHostResolverTest, CancelMeansNoCallback) {
    make();
    DnsTransport::Done ptrDone;
    EXPECT_CALL(*transport, ask(_, RecordType::Ptr, _)).WillOnce(SaveArg<2>(&ptrDone));
    start();
    EXPECT_CALL(*transport, cancelAll()).Times(::testing::AtLeast(1));
    resolver->cancel();
    ptrDone(answer(kNxDomain));  // a transport that still called back is ignored
    EXPECT_EQ(calls, 0);
}

TEST_F(DnsClientHostResolverTest, AnAddressThatIsNotAnIpIsTempUnavailableLater) {
    make();
    EXPECT_CALL(*transport, ask(_, _, _)).Times(0);
    start("unix:");
    EXPECT_EQ(calls, 0);  // never from inside start()
    timers.advance(core::Millis(0));
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(host, "[TEMPUNAVAIL]");
    EXPECT_THAT(errorLogs, IsEmpty());
}

}  // namespace
}  // namespace mailwire::resolver
