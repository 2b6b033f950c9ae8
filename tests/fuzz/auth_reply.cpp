// The auth_http response head parser, fed arbitrary bytes across reads, and the decision taken on a complete
// head. Checks: the state sticks once decided, at most 1024 head bytes are taken, how the bytes are split
// into reads changes nothing (the same bytes fed one at a time give the same state, reply and error), a
// Connect decision carries a canonical address and a port, and canonical addresses are fixed points of
// parseServerAddress. Input:
// [options: bit 0 password known, bit 1 password needed] [split seed] [response bytes...]
#include "FuzzInput.h"
#include "auth/AuthReply.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mailwire;
    using State = auth::AuthReplyParser::State;
    fuzz::FuzzInput input(data, size);
    const uint8_t options = input.byte();
    const uint8_t splitSeed = input.byte();
    auth::AuthReplyParser parser;
    State state = State::NeedMore;
    for (std::string_view read : fuzz::splitIntoReads(input.rest(), splitSeed)) {
        const State next = parser.feed(read.data(), read.size());
        if (state != State::NeedMore && next != state)
            fuzz::violated("the parser's state changed after the end");
        if (parser.consumed() > auth::AuthReplyParser::kMaxHead) fuzz::violated("more than 1024 head bytes");
        if (next == State::Invalid && parser.error().empty()) fuzz::violated("invalid without an error text");
        state = next;
    }
    auth::AuthReplyParser byteByByte;
    for (const char c : input.rest()) byteByByte.feed(&c, 1);
    if (input.rest().empty()) byteByByte.feed(nullptr, 0);
    const auto same = [](const auth::AuthReply& a, const auth::AuthReply& b) {
        return a.status == b.status && a.server == b.server && a.port == b.port && a.user == b.user &&
               a.pass == b.pass && a.waitSeconds == b.waitSeconds && a.errorCode == b.errorCode;
    };
    if (byteByByte.state() != state || byteByByte.consumed() != parser.consumed() ||
        byteByByte.error() != parser.error() || !same(byteByByte.reply(), parser.reply()))
        fuzz::violated("the result depends on how the bytes were split into reads");
    if (state != State::Done) return 0;

    const auth::AuthReply& reply = parser.reply();
    if (reply.waitSeconds < 0) fuzz::violated("a negative Auth-Wait");
    if (reply.server) {
        if (const auto canonical = auth::parseServerAddress(*reply.server)) {
            if (auth::parseServerAddress(*canonical) != canonical)
                fuzz::violated("a canonical address is not canonical", *canonical);
        }
    }
    const auth::AuthDecision decision = auth::decideAuth(reply, options & 1, options & 2);
    if (decision.kind == auth::AuthDecision::Connect) {
        if (decision.backendPort == 0) fuzz::violated("connect to port 0");
        if (auth::parseServerAddress(decision.backendIp) != decision.backendIp)
            fuzz::violated("connect to a non-canonical address", decision.backendIp);
    }
    if (decision.kind == auth::AuthDecision::InternalError && decision.logMessage.empty())
        fuzz::violated("an internal error without a log message");
    return 0;
}
