#pragma once
// A TCP forwarder on 127.0.0.1 for outage tests: it listens on a port of its own and relays every connection to a
// target (the shared test S3 gateway, a database), byte for byte in both directions. cut() takes the service away
// as a dead host would look to a client — the listening port closes (new connections are refused) and every
// relayed connection is reset — and restore() brings it back on the same port, so the server under test, which
// was configured with the forwarder's address, recovers by itself. Plain POSIX sockets and one thread per
// direction: test traffic only, never a hot path.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace obscura::test {

class TcpForwarder {
public:
    // Relays 127.0.0.1:<port()> to targetHost:targetPort (an IPv4 address on this machine).
    TcpForwarder(std::string targetHost, int targetPort);
    ~TcpForwarder();
    TcpForwarder(const TcpForwarder&) = delete;
    TcpForwarder& operator=(const TcpForwarder&) = delete;

    int port() const { return port_; }
    // "http://127.0.0.1:<port>"
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    void cut();
    void restore();

private:
    void listen();
    void acceptLoop(int listener);
    void relay(int client);
    void closeAll();

    std::string targetHost_;
    int targetPort_;
    int port_ = 0;
    std::mutex mutex_;
    int listener_ = -1;
    std::vector<int> open_;  // every relayed socket, both ends, until cut
    std::vector<std::thread> threads_;
    std::atomic<bool> stopping_{false};
};

}  // namespace obscura::test
