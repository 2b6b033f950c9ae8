#include "auth_responder.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/URI.h>

#include <sstream>
#include <stdexcept>

namespace mailwire::fake {

DefaultAuthResponder::DefaultAuthResponder(const std::string& backend) {
    try {
        Poco::Net::SocketAddress address(backend);
        host_ = address.host().toString();
        port_ = std::to_string(address.port());
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("--backend " + backend + ": expected HOST:PORT with a numeric host (" +
                                    e.displayText() + ")");
    }
}

AuthReply DefaultAuthResponder::reply(int, const std::string& head) {
    std::string user, password;
    try {
        std::istringstream in(head);
        Poco::Net::HTTPRequest request;
        request.read(in);
        // nginx URL-escapes the login and the password.
        Poco::URI::decode(request.get("Auth-User", ""), user);
        Poco::URI::decode(request.get("Auth-Pass", ""), password);
    } catch (const Poco::Exception&) {
        // A head Poco cannot parse is treated like a failed login: this fake answers everyone.
    }
    AuthReply reply;
    if (user == "good" || password == "secret") {
        reply.response = "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\nAuth-Server: " + host_ +
                         "\r\nAuth-Port: " + port_ + "\r\n\r\n";
    } else {
        reply.response = "HTTP/1.0 200 OK\r\nAuth-Status: Invalid login or password\r\nAuth-Wait: 1\r\n\r\n";
    }
    return reply;
}

}  // namespace mailwire::fake
