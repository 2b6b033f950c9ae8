#include "sasl/Base64.h"

#include <Poco/Base64Encoder.h>
#include <openssl/evp.h>

#include <sstream>
#include <vector>

namespace mailwire::sasl {

namespace {

bool inStandardAlphabet(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

std::optional<std::string> decodeBase64(std::string_view encoded) {
    size_t length = 0;
    for (; length < encoded.size(); ++length) {
        if (encoded[length] == '=') break;
        if (!inStandardAlphabet(encoded[length])) return std::nullopt;
    }
    if (length % 4 == 1) return std::nullopt;

    // Validation is nginx's; the decoding itself is OpenSSL's, which wants whole 4-character groups.
    std::string padded(encoded.substr(0, length));
    const size_t padding = (4 - length % 4) % 4;
    padded.append(padding, '=');
    if (padded.empty()) return std::string();

    std::vector<unsigned char> out(padded.size() / 4 * 3 + 1);
    const int decoded = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(padded.data()),
                                        static_cast<int>(padded.size()));
    if (decoded < 0 || static_cast<size_t>(decoded) < padding) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(out.data()), static_cast<size_t>(decoded) - padding);
}

std::string encodeBase64(std::string_view raw) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(raw.data(), static_cast<std::streamsize>(raw.size()));
    encoder.close();
    return out.str();
}

}  // namespace mailwire::sasl
