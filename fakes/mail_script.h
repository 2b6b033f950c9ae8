#pragma once

#include <string>
#include <vector>

#include "split_send.h"

namespace mailwire::fake {

// One step of a mail backend script (docs/fake-protocol.md, "Mail backend script").
struct MailStep {
    enum class Kind { Send, Expect, ExpectEof, Wait, Close, Reset, HalfClose, Stall };
    Kind kind;
    std::string bytes;     // Send: exactly what is written (`send` already has CRLF appended)
    int ms = 0;            // Wait
    SplitSend split = {};  // Send: how the bytes are cut into writes

    bool operator==(const MailStep& other) const {
        return kind == other.kind && bytes == other.bytes && ms == other.ms && split == other.split;
    }
};

using MailConnectionScript = std::vector<MailStep>;

// The steps for each accepted connection; connections beyond the list run the last script.
struct MailScript {
    std::vector<MailConnectionScript> connections;
    // Every connection runs the empty script: accepted, recorded, never written to, read until the peer
    // closes.
    bool acceptThenSilent = false;

    const MailConnectionScript& forConnection(int number) const;

    // `source` names the text in errors (the file name). Throws ScriptError.
    static MailScript fromJson(const std::string& text, const std::string& source);
    static MailScript fromFile(const std::string& path);
};

}  // namespace mailwire::fake
