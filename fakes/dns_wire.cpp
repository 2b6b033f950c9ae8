#include "dns_wire.h"

#include <arpa/inet.h>

namespace mailwire::fake {

namespace {

constexpr std::size_t kHeaderSize = 12;

std::uint16_t read16(std::string_view data, std::size_t at) {
    return static_cast<std::uint16_t>((static_cast<unsigned char>(data[at]) << 8) |
                                      static_cast<unsigned char>(data[at + 1]));
}

void put16(std::string& out, std::uint32_t value) {
    out.push_back(static_cast<char>((value >> 8) & 0xff));
    out.push_back(static_cast<char>(value & 0xff));
}

void put32(std::string& out, std::uint32_t value) {
    put16(out, value >> 16);
    put16(out, value & 0xffff);
}

// Labels of a name; false when a label is empty or longer than 63 bytes.
bool encodeName(const std::string& name, std::string& out) {
    std::size_t start = 0;
    while (start < name.size()) {
        std::size_t dot = name.find('.', start);
        if (dot == std::string::npos) dot = name.size();
        const std::size_t length = dot - start;
        if (length == 0 || length > 63) return false;
        out.push_back(static_cast<char>(length));
        out.append(name, start, length);
        start = dot + 1;
    }
    out.push_back('\0');
    return true;
}

const char* const kRcodes[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};

}  // namespace

std::optional<DnsQuestion> parseDnsQuery(std::string_view datagram) {
    if (datagram.size() < kHeaderSize) return std::nullopt;
    DnsQuestion question;
    question.id = read16(datagram, 0);
    question.flags = read16(datagram, 2);
    if (question.flags & 0x8000) return std::nullopt;  // a response, not a query
    if (read16(datagram, 4) == 0) return std::nullopt;
    std::size_t at = kHeaderSize;
    while (true) {
        if (at >= datagram.size()) return std::nullopt;
        const auto length = static_cast<unsigned char>(datagram[at]);
        if (length == 0) {
            ++at;
            break;
        }
        if (length > 63 || at + 1 + length > datagram.size()) return std::nullopt;  // no pointers in queries
        if (!question.name.empty()) question.name += '.';
        question.name.append(datagram.substr(at + 1, length));
        if (question.name.size() > 255) return std::nullopt;
        at += 1 + length;
    }
    if (at + 4 > datagram.size()) return std::nullopt;
    question.type = read16(datagram, at);
    question.qclass = read16(datagram, at + 2);
    question.questionBytes = std::string(datagram.substr(kHeaderSize, at + 4 - kHeaderSize));
    return question;
}

std::string dnsTypeName(std::uint16_t type) {
    switch (type) {
        case kDnsA:
            return "A";
        case kDnsPtr:
            return "PTR";
        case kDnsAaaa:
            return "AAAA";
        default:
            return "TYPE" + std::to_string(type);
    }
}

std::uint16_t dnsTypeFromName(const std::string& name) {
    if (name == "A") return kDnsA;
    if (name == "PTR") return kDnsPtr;
    if (name == "AAAA") return kDnsAaaa;
    return 0;
}

std::string dnsRcodeName(int rcode) {
    if (rcode >= 0 && rcode < 6) return kRcodes[rcode];
    return "RCODE" + std::to_string(rcode);
}

int dnsRcodeFromName(const std::string& name) {
    for (int i = 0; i < 6; ++i)
        if (name == kRcodes[i]) return i;
    return -1;
}

bool validDnsRecordValue(std::uint16_t type, const std::string& value) {
    unsigned char address[16];
    if (type == kDnsA) return inet_pton(AF_INET, value.c_str(), address) == 1;
    if (type == kDnsAaaa) return inet_pton(AF_INET6, value.c_str(), address) == 1;
    std::string encoded;
    return type == kDnsPtr && value.size() <= 253 && encodeName(value, encoded);
}

std::string buildDnsResponse(const DnsQuestion& question, int rcode, const std::vector<std::string>& records,
                             std::uint32_t ttl) {
    std::string out;
    put16(out, question.id);
    // QR, the query's opcode and RD, RA, then the rcode.
    put16(out, 0x8000u | (question.flags & 0x7900u) | 0x0080u | (static_cast<unsigned>(rcode) & 0xfu));
    put16(out, 1);
    std::string answers;
    int count = 0;
    for (const auto& value : records) {
        std::string rdata;
        unsigned char address[16];
        if (question.type == kDnsA && inet_pton(AF_INET, value.c_str(), address) == 1) {
            rdata.assign(reinterpret_cast<char*>(address), 4);
        } else if (question.type == kDnsAaaa && inet_pton(AF_INET6, value.c_str(), address) == 1) {
            rdata.assign(reinterpret_cast<char*>(address), 16);
        } else if (question.type == kDnsPtr && encodeName(value, rdata)) {
        } else {
            continue;
        }
        put16(answers, 0xc000u | kHeaderSize);  // the question's name
        put16(answers, question.type);
        put16(answers, 1);  // IN
        put32(answers, ttl);
        put16(answers, static_cast<std::uint32_t>(rdata.size()));
        answers += rdata;
        ++count;
    }
    put16(out, static_cast<std::uint32_t>(count));
    put16(out, 0);
    put16(out, 0);
    out += question.questionBytes;
    out += answers;
    return out;
}

}  // namespace mailwire::fake
