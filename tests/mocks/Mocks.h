// GoogleMock mocks for the session's seams.
#pragma once

#include <gmock/gmock.h>

#include "auth/AuthClient.h"
#include "backend/BackendConnector.h"
#include "core/Log.h"
#include "mail/BackendLogin.h"
#include "mail/ClientProtocol.h"

namespace mailwire::testing {

class MockAuthClient : public auth::AuthClient {
  public:
    MOCK_METHOD(void, start, (const std::string&, std::function<void(const auth::AuthOutcome&)>), (override));
    MOCK_METHOD(void, cancel, (), (override));
};

class MockBackendConnector : public backend::BackendConnector {
  public:
    MOCK_METHOD(std::unique_ptr<core::Connection>, connect,
                (const std::string&, unsigned short, core::ConnectionHandler*), (override));
};

class MockLog : public core::Log {
  public:
    MOCK_METHOD(bool, enabled, (core::LogLevel), (const, override));
    MOCK_METHOD(void, write, (core::LogLevel, const std::string&), (override));
};

class MockClientProtocol : public mail::ClientProtocol {
  public:
    MOCK_METHOD(const char*, name, (), (const, override));
    MOCK_METHOD(std::string, greeting, (), (override));
    MOCK_METHOD(char*, readSpace, (size_t&), (override));
    MOCK_METHOD(void, commitRead, (size_t), (override));
    MOCK_METHOD(mail::ClientStep, step, (), (override));
    MOCK_METHOD(std::string, loginFailedReply, (const std::string&, const std::string&), (override));
    MOCK_METHOD(void, resetAfterFailedLogin, (), (override));
    MOCK_METHOD(std::string, internalErrorReply, (), (const, override));
    MOCK_METHOD(std::string, takeUnconsumedInput, (), (override));
    MOCK_METHOD(size_t, relayBufferSize, (), (const, override));
    MOCK_METHOD(std::string, loginForLog, (), (const, override));
    MOCK_METHOD(std::unique_ptr<mail::BackendLogin>, makeBackendLogin,
                (const mail::Credentials&, const mail::ClientContext&), (override));
    MOCK_METHOD(bool, takeStartTlsRequest, (), (override));
    MOCK_METHOD(void, setTlsActive, (bool), (override));
    MOCK_METHOD(std::string, certificateErrorReply, (), (const, override));
    MOCK_METHOD(std::string, noCertificateReply, (), (const, override));
};

class MockBackendLogin : public mail::BackendLogin {
  public:
    MOCK_METHOD(mail::BackendStep, onReply, (std::string_view), (override));
};

}  // namespace mailwire::testing
