#pragma once

#include <string>
#include <vector>

#include "split_send.h"

namespace mailwire::fake {

// How the auth server answers one HTTP request (docs/fake-protocol.md, "Auth server script").
struct AuthReply {
    enum class Kind { Respond, CloseWithoutResponse, NoResponse, Reset };
    // What follows a response: "then" (close, reset, stall) or "half_close".
    enum class After { Close, Reset, Stall, HalfClose };
    Kind kind = Kind::Respond;
    std::string response;  // Respond: the bytes written, exactly
    int delayMs = 0;       // before the response, the close or the reset
    SplitSend split = {};  // Respond: how the response is cut into writes
    After after = After::Close;

    bool operator==(const AuthReply& other) const {
        return kind == other.kind && response == other.response && delayMs == other.delayMs &&
               split == other.split && after == other.after;
    }
};

// The replies to requests 1, 2, ...; requests beyond the list get the last entry.
struct AuthScript {
    std::vector<AuthReply> requests;

    const AuthReply& forRequest(int number) const;

    // `source` names the text in errors (the file name). Throws ScriptError.
    static AuthScript fromJson(const std::string& text, const std::string& source);
    static AuthScript fromFile(const std::string& path);
};

}  // namespace mailwire::fake
