// The DNS response parser on arbitrary datagrams, the query builder on arbitrary names, and reverseName on
// arbitrary text. Property: a query we build, with QR set as a server would, parses back to its own id,
// question name and type. Input: [mode] [bytes...]: mode even parses the bytes as a datagram, mode odd uses
// them as a name (and as an address for reverseName).
#include "FuzzInput.h"
#include "resolver/DnsMessage.h"

namespace {

using namespace mailwire;

void checkResponse(const resolver::DnsResponse& response) {
    if (response.rcode < 0 || response.rcode > 15) fuzz::violated("rcode outside 4 bits");
    for (const resolver::DnsRecord& record : response.answers) {
        if (record.name.size() > 1024 || record.value.size() > 1024) fuzz::violated("an oversized name");
    }
}

void fuzzName(uint8_t mode, const std::string& name) {
    const auto types = {resolver::RecordType::A, resolver::RecordType::Aaaa, resolver::RecordType::Ptr};
    const resolver::RecordType type = *(types.begin() + (mode >> 1) % 3);
    const uint16_t id = static_cast<uint16_t>(mode * 257);
    if (const auto query = resolver::buildQuery(id, name, type)) {
        std::string asAnswer = *query;
        if (asAnswer.size() < 12) fuzz::violated("a query shorter than its header");
        asAnswer[2] = static_cast<char>(asAnswer[2] | 0x80);  // QR: a response
        const auto parsed = resolver::parseResponse(asAnswer);
        if (!parsed) fuzz::violated("our own query does not parse as a response", name);
        std::string expected = name;
        if (!expected.empty() && expected.back() == '.') expected.pop_back();
        if (parsed->id != id || parsed->questionName != expected ||
            parsed->questionType != static_cast<uint16_t>(type))
            fuzz::violated("the question changed in a build and parse round trip", name);
    }
    const std::string reverse = resolver::reverseName(name);
    if (!reverse.empty() && !resolver::buildQuery(id, reverse, resolver::RecordType::Ptr))
        fuzz::violated("a reverse name that cannot be queried", reverse);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::FuzzInput input(data, size);
    const uint8_t mode = input.byte();
    if (mode & 1) {
        fuzzName(mode, std::string(input.rest()));
        return 0;
    }
    if (const auto response = resolver::parseResponse(input.rest())) checkResponse(*response);
    return 0;
}
