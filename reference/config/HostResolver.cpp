#include "config/HostResolver.h"

#include <Poco/Exception.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/HostEntry.h>
#include <Poco/Net/IPAddress.h>

#include <algorithm>

namespace mailwire::config {

std::vector<std::string> resolveHost(const std::string& host) {
    Poco::Net::IPAddress literal;
    if (host.empty()) return {};
    if (Poco::Net::IPAddress::tryParse(host, literal)) return {literal.toString()};
    std::vector<std::string> out;
    try {
        Poco::Net::HostEntry entry = Poco::Net::DNS::hostByName(host, 0);
        for (const auto& a : entry.addresses()) {
            std::string text = a.toString();
            if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(text);
        }
    } catch (const Poco::Exception&) {
        return {};
    }
    return out;
}

}  // namespace mailwire::config
