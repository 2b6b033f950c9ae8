// IMAP wire strings nginx sends on the client side (spec 4.1, 4.3, 4.5, 3.8), byte for byte.
#pragma once

namespace mailwire::imap::replies {

inline constexpr const char* kGreeting = "* OK IMAP4 ready\r\n";
inline constexpr const char* kOk = "OK completed\r\n";  // after the tag
inline constexpr const char* kInvalidCommand =
    "BAD invalid command\r\n";                    // after the tag, or alone (quirk 7)
inline constexpr const char* kBye = "* BYE\r\n";  // before the tagged OK of LOGOUT
inline constexpr const char* kNoTag = "* ";       // the line failed before its tag was complete
inline constexpr const char* kLiteralContinue = "+ OK\r\n";
inline constexpr const char* kChallengePrefix = "+ ";
inline constexpr const char* kCertificateError = "* BYE SSL certificate error\r\n";
inline constexpr const char* kNoCertificate = "* BYE No required SSL certificate\r\n";
inline constexpr const char* kInternalError = "* BAD internal server error\r\n";

}  // namespace mailwire::imap::replies
