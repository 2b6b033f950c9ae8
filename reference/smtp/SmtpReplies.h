// SMTP wire strings nginx sends on the client side (spec 6, 3.8, 7.6, 8.6), byte for byte.
#pragma once

namespace mailwire::smtp::replies {

inline constexpr const char* kOk = "250 2.0.0 OK\r\n";
inline constexpr const char* kBye = "221 2.0.0 Bye\r\n";
inline constexpr const char* kInvalidCommand = "500 5.5.1 Invalid command\r\n";
inline constexpr const char* kInvalidArgument = "501 5.5.4 Invalid argument\r\n";
inline constexpr const char* kAuthRequired = "530 5.7.1 Authentication required\r\n";
inline constexpr const char* kBadSequence = "503 5.5.1 Bad sequence of commands\r\n";
inline constexpr const char* kStartTls = "220 2.0.0 Start TLS\r\n";
inline constexpr const char* kPipelining = "503 5.5.0 Improper use of SMTP command pipelining\r\n";
inline constexpr const char* kChallengePrefix = "334 ";
inline constexpr const char* kCertificateError = "421 4.7.1 SSL certificate error\r\n";
inline constexpr const char* kNoCertificate = "421 4.7.1 No required SSL certificate\r\n";
inline constexpr const char* kInternalError = "451 4.3.2 Internal server error\r\n";
inline constexpr const char* kAuthOk = "235 2.0.0 OK\r\n";     // nginx's own reply after an AUTH-based login
inline constexpr const char* kDefaultErrorCode = "535 5.7.0";  // unless auth_http sends Auth-Error-Code

}  // namespace mailwire::smtp::replies
