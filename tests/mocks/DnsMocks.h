// GoogleMock mocks for the resolver seams (reference/resolver/).
#pragma once

#include <gmock/gmock.h>

#include "resolver/ClientHostResolver.h"
#include "resolver/DnsTransport.h"

namespace mailwire::testing {

class MockDnsTransport : public resolver::DnsTransport {
  public:
    MOCK_METHOD(void, ask, (const std::string& name, resolver::RecordType type, Done done), (override));
    MOCK_METHOD(void, cancelAll, (), (override));
};

class MockClientHostResolver : public resolver::ClientHostResolver {
  public:
    MOCK_METHOD(void, start, (const std::string& clientIp, Done done), (override));
    MOCK_METHOD(void, cancel, (), (override));
};

}  // namespace mailwire::testing
