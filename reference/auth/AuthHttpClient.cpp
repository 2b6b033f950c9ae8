#include "auth/AuthHttpClient.h"

#include <utility>

namespace mailwire::auth {

namespace {

std::string peerName(const config::AuthHttpTarget& target) {
    if (!target.unixPath.empty()) return "unix:" + target.unixPath;
    return core::formatAddress(target.host, target.port);
}

}  // namespace

AuthHttpClient::AuthHttpClient(core::EventLoop& loop, const config::AuthHttpTarget& target,
                               std::chrono::milliseconds timeout)
    : loop_(loop), target_(target), timeout_(timeout), peer_(peerName(target)) {}

AuthHttpClient::~AuthHttpClient() { cancel(); }

void AuthHttpClient::start(const std::string& requestBytes, std::function<void(const AuthOutcome&)> done) {
    cancel();
    request_ = requestBytes;
    done_ = std::move(done);
    parser_ = AuthReplyParser();
    exchange_ = std::make_shared<bool>(true);
    timer_ = loop_.addTimer(timeout_, [this] {
        timer_ = 0;
        finish(AuthOutcome::TimedOut, "timed out (110: Connection timed out)", "");
    });
    connection_ = target_.unixPath.empty()
                      ? core::TcpConnection::connect(loop_, target_.host, target_.port, this)
                      : core::TcpConnection::connectUnix(loop_, target_.unixPath, this);
}

void AuthHttpClient::cancel() {
    done_ = nullptr;
    teardown();
}

void AuthHttpClient::teardown() {
    exchange_.reset();
    if (timer_ != 0) {
        loop_.cancelTimer(timer_);
        timer_ = 0;
    }
    if (connection_) {
        connection_->setHandler(nullptr);
        connection_->close();
        // We may be inside the connection's own event handler: destroy it once that has returned.
        loop_.destroyLater(std::move(connection_));
    }
    request_.clear();
}

void AuthHttpClient::finish(AuthOutcome::Status status, std::string error, std::string detail,
                            core::ConnectFailure::Kind connectFailure) {
    AuthOutcome outcome;
    outcome.status = status;
    outcome.error = std::move(error);
    outcome.detail = std::move(detail);
    outcome.peer = peer_;
    outcome.connectFailure = connectFailure;
    if (status == AuthOutcome::Replied) outcome.reply = parser_.reply();
    auto done = std::move(done_);
    done_ = nullptr;
    teardown();
    // Last: `done` may destroy this client.
    if (done) done(outcome);
}

void AuthHttpClient::onConnected() {
    // A write error is reported through onWriteFailed, possibly from inside write(): nothing may follow it
    // here.
    connection_->write(request_);
}

void AuthHttpClient::onConnectFailed(const core::ConnectFailure& failure) {
    finish(AuthOutcome::ConnectFailed, failure.text, "", failure.kind);
}

void AuthHttpClient::onWriteFailed(const std::string& error) { finish(AuthOutcome::Closed, error, ""); }

void AuthHttpClient::onReadable() {
    char buffer[AuthReplyParser::kMaxHead];
    for (;;) {
        // Never ask for more than the head may still hold: nginx reads into a fixed 1024-byte buffer.
        const size_t room = AuthReplyParser::kMaxHead - parser_.consumed();
        const core::ReadResult result = connection_->read(buffer, room);
        switch (result.status) {
            case core::ReadResult::WouldBlock:
                return;
            case core::ReadResult::Eof:
                // Also when the partial head and the FIN came in one read (quirk #22): answer at once.
                return finish(AuthOutcome::Closed, "",
                              "auth http server closed the connection before the end of the response head");
            case core::ReadResult::Error:
                return finish(AuthOutcome::Closed, result.error, "");
            case core::ReadResult::Data:
                break;
        }
        switch (parser_.feed(buffer, result.bytes)) {
            case AuthReplyParser::State::NeedMore:
                continue;
            case AuthReplyParser::State::Done:
                return finish(AuthOutcome::Replied, "", "");
            case AuthReplyParser::State::Invalid:
                return finish(AuthOutcome::Invalid, parser_.error(), "");
            case AuthReplyParser::State::TooLong:
                return finish(AuthOutcome::Closed, "",
                              "auth http server sent a response head over 1024 bytes");
        }
    }
}

}  // namespace mailwire::auth
