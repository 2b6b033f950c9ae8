#include "resolver/DnsMessage.h"

#include <arpa/inet.h>

namespace mailwire::resolver {

namespace {

constexpr size_t kHeaderSize = 12;
constexpr size_t kMaxName = 255;
constexpr int kMaxPointers = 64;

void put16(std::string& out, unsigned value) {
    out.push_back(static_cast<char>((value >> 8) & 0xff));
    out.push_back(static_cast<char>(value & 0xff));
}

class Reader {
  public:
    explicit Reader(std::string_view data) : data_(data) {}

    bool read16(size_t& at, uint16_t& value) const {
        if (at + 2 > data_.size()) return false;
        value = static_cast<uint16_t>((byte(at) << 8) | byte(at + 1));
        at += 2;
        return true;
    }

    bool read32(size_t& at, uint32_t& value) const {
        uint16_t high = 0, low = 0;
        if (!read16(at, high) || !read16(at, low)) return false;
        value = (static_cast<uint32_t>(high) << 16) | low;
        return true;
    }

    // A possibly compressed name starting at `at`; `at` moves past it in the original position.
    bool readName(size_t& at, std::string& name) const {
        name.clear();
        size_t pos = at;
        bool jumped = false;
        int pointers = 0;
        size_t wireLength = 0;
        while (true) {
            if (pos >= data_.size()) return false;
            const unsigned length = byte(pos);
            if (length == 0) {
                if (!jumped) at = pos + 1;
                return true;
            }
            if ((length & 0xc0) == 0xc0) {
                if (pos + 1 >= data_.size() || ++pointers > kMaxPointers) return false;
                const size_t target = ((length & 0x3f) << 8) | byte(pos + 1);
                if (!jumped) at = pos + 2;
                jumped = true;
                pos = target;
                continue;
            }
            if ((length & 0xc0) != 0) return false;  // 0x40/0x80: extended label types, not used
            if (pos + 1 + length > data_.size()) return false;
            wireLength += length + 1;
            if (wireLength > kMaxName) return false;
            if (!name.empty()) name += '.';
            name.append(data_.substr(pos + 1, length));
            pos += 1 + length;
        }
    }

    size_t size() const { return data_.size(); }
    std::string_view slice(size_t at, size_t length) const { return data_.substr(at, length); }

  private:
    unsigned byte(size_t at) const { return static_cast<unsigned char>(data_[at]); }
    std::string_view data_;
};

std::string addressText(int family, std::string_view bytes) {
    char text[INET6_ADDRSTRLEN] = {};
    if (!inet_ntop(family, bytes.data(), text, sizeof text)) return "";
    return text;
}

}  // namespace

std::optional<std::string> buildQuery(uint16_t id, const std::string& name, RecordType type) {
    std::string query;
    put16(query, id);
    put16(query, 0x0100);  // RD
    put16(query, 1);
    put16(query, 0);
    put16(query, 0);
    put16(query, 0);
    std::string trimmed = name;
    if (!trimmed.empty() && trimmed.back() == '.') trimmed.pop_back();
    // Only one trailing dot is the root; "a.." ends in an empty label (the loop below would drop it).
    if (!trimmed.empty() && trimmed.back() == '.') return std::nullopt;
    if (trimmed.size() > 253) return std::nullopt;
    size_t start = 0;
    while (start < trimmed.size()) {
        size_t dot = trimmed.find('.', start);
        if (dot == std::string::npos) dot = trimmed.size();
        const size_t length = dot - start;
        if (length == 0 || length > 63) return std::nullopt;
        query.push_back(static_cast<char>(length));
        query.append(trimmed, start, length);
        start = dot + 1;
    }
    query.push_back('\0');
    put16(query, static_cast<unsigned>(type));
    put16(query, 1);  // IN
    return query;
}

std::optional<DnsResponse> parseResponse(std::string_view datagram) {
    Reader in(datagram);
    if (in.size() < kHeaderSize) return std::nullopt;
    size_t at = 0;
    uint16_t id = 0, flags = 0, qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
    in.read16(at, id);
    in.read16(at, flags);
    in.read16(at, qdcount);
    in.read16(at, ancount);
    in.read16(at, nscount);
    in.read16(at, arcount);
    if (!(flags & 0x8000) || qdcount == 0) return std::nullopt;

    DnsResponse response;
    response.id = id;
    response.rcode = flags & 0x0f;
    response.truncated = (flags & 0x0200) != 0;
    for (unsigned i = 0; i < qdcount; ++i) {
        std::string name;
        uint16_t type = 0, qclass = 0;
        if (!in.readName(at, name) || !in.read16(at, type) || !in.read16(at, qclass)) return std::nullopt;
        if (i == 0) {
            response.questionName = std::move(name);
            response.questionType = type;
            response.questionClass = qclass;
        }
    }
    for (unsigned i = 0; i < ancount; ++i) {
        DnsRecord record;
        uint16_t rdlength = 0;
        if (!in.readName(at, record.name) || !in.read16(at, record.type) || !in.read16(at, record.rclass) ||
            !in.read32(at, record.ttl) || !in.read16(at, rdlength) || at + rdlength > in.size()) {
            return std::nullopt;
        }
        const size_t rdata = at;
        at += rdlength;
        const auto type = static_cast<RecordType>(record.type);
        if (type == RecordType::A && rdlength == 4) {
            record.value = addressText(AF_INET, in.slice(rdata, 4));
        } else if (type == RecordType::Aaaa && rdlength == 16) {
            record.value = addressText(AF_INET6, in.slice(rdata, 16));
        } else if (type == RecordType::Ptr || type == RecordType::Cname) {
            size_t nameAt = rdata;
            if (!in.readName(nameAt, record.value) || nameAt > at) return std::nullopt;
        }
        response.answers.push_back(std::move(record));
    }
    return response;  // authority and additional sections are not needed
}

std::string reverseName(const std::string& ip) {
    unsigned char bytes[16];
    if (inet_pton(AF_INET, ip.c_str(), bytes) == 1) {
        return std::to_string(bytes[3]) + "." + std::to_string(bytes[2]) + "." + std::to_string(bytes[1]) +
               "." + std::to_string(bytes[0]) + ".in-addr.arpa";
    }
    if (inet_pton(AF_INET6, ip.c_str(), bytes) == 1) {
        static const char kHex[] = "0123456789abcdef";
        std::string name;
        for (int i = 15; i >= 0; --i) {
            name += kHex[bytes[i] & 0x0f];
            name += '.';
            name += kHex[bytes[i] >> 4];
            name += '.';
        }
        return name + "ip6.arpa";
    }
    return "";
}

}  // namespace mailwire::resolver
