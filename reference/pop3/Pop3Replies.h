// POP3 wire strings nginx sends on the client side (spec 5.1, 5.3, 5.5, 3.8), byte for byte.
#pragma once

namespace mailwire::pop3::replies {

inline constexpr const char* kGreeting = "+OK POP3 ready\r\n";
inline constexpr const char* kGreetingBeforeSalt = "+OK POP3 ready ";  // then "<R.T@server_name>\r\n"
inline constexpr const char* kOk = "+OK\r\n";
inline constexpr const char* kInvalidCommand = "-ERR invalid command\r\n";
inline constexpr const char* kErrorPrefix = "-ERR ";  // then the Auth-Status text
inline constexpr const char* kChallengePrefix = "+ ";
inline constexpr const char* kCertificateError = "-ERR SSL certificate error\r\n";
inline constexpr const char* kNoCertificate = "-ERR No required SSL certificate\r\n";
inline constexpr const char* kInternalError = "-ERR internal server error\r\n";

// Capability and mechanism lists (spec 5.4, 5.3).
inline constexpr const char* kCapabilityHeader = "+OK Capability list follows\r\n";
inline constexpr const char* kMethodsHeader = "+OK methods supported:\r\n";
inline constexpr const char* kListEnd = ".\r\n";

// The backend's replies (spec 8.3): every step must begin with this.
inline constexpr const char* kBackendOk = "+OK";

}  // namespace mailwire::pop3::replies
