#include "backend/BackendConnector.h"

#include "core/TcpConnection.h"

namespace mailwire::backend {

std::unique_ptr<core::Connection> TcpBackendConnector::connect(const std::string& ip, unsigned short port,
                                                               core::ConnectionHandler* handler) {
    auto connection = core::TcpConnection::connect(loop_, ip, port, handler);
    connection->setNoDelay();
    return connection;
}

}  // namespace mailwire::backend
