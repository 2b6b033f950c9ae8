#include "backend_profile.h"

#include "bulk_profile.h"
#include "communigate_profile.h"
#include "dovecot_profile.h"
#include "postfix_profile.h"

namespace mailwire::fake {

namespace {

template <typename Dialogue>
std::unique_ptr<BackendDialogue> make() {
    return std::make_unique<Dialogue>();
}

}  // namespace

const std::vector<BackendProfile>& backendProfiles() {
    static const std::vector<BackendProfile> profiles = {
        {"imap", "communigate", "CommuniGate Pro-like: LOGIN (any password) -> NO [ALERT] mailbox overflow",
         make<CommuniGateImapDialogue>},
        {"imap", "dovecot", "Dovecot-like: LOGIN succeeds, one message in INBOX for SELECT/FETCH, LOGOUT",
         make<DovecotImapDialogue>},
        {"imap", "bulk", "default dialogue; FETCH n BODY[]<0.N> sends an N-byte literal (benchmark)",
         make<BulkImapDialogue>},
        {"pop3", "communigate", "CommuniGate Pro-like: USER +OK, PASS (any) -> -ERR ... mailbox overflow",
         make<CommuniGatePop3Dialogue>},
        {"pop3", "dovecot", "Dovecot-like: USER/PASS succeed, one message for STAT/LIST/RETR, QUIT",
         make<DovecotPop3Dialogue>},
        {"pop3", "bulk", "default dialogue; RETR N sends an N-byte message (benchmark)",
         make<BulkPop3Dialogue>},
        {"smtp", "communigate", "CommuniGate Pro-like: XCLIENT -> 220, AUTH -> 535 5.7.0 mailbox overflow",
         make<CommuniGateSmtpDialogue>},
        {"smtp", "postfix", "Postfix-like: EHLO with XCLIENT, XCLIENT -> new 220 greeting, MAIL/RCPT/DATA",
         make<PostfixSmtpDialogue>},
    };
    return profiles;
}

const BackendProfile* findBackendProfile(const std::string& protocol, const std::string& name) {
    for (const auto& profile : backendProfiles())
        if (protocol == profile.protocol && name == profile.name) return &profile;
    return nullptr;
}

std::vector<const BackendProfile*> backendProfilesFor(const std::string& protocol) {
    std::vector<const BackendProfile*> result;
    for (const auto& profile : backendProfiles())
        if (protocol == profile.protocol) result.push_back(&profile);
    return result;
}

}  // namespace mailwire::fake
