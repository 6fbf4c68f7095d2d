#pragma once
// A TCP forwarder on 127.0.0.1 in front of a real service (an S3 gateway, a database) whose link a test can cut
// and restore: cut() resets every open connection and refuses new ones, so the server under test sees its
// dependency go down without the shared service being stopped.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace obscura::test {

class TcpCutProxy {
public:
    TcpCutProxy(std::string targetHost, int targetPort);
    ~TcpCutProxy();
    TcpCutProxy(const TcpCutProxy&) = delete;
    TcpCutProxy& operator=(const TcpCutProxy&) = delete;

    int port() const { return port_; }
    void cut();
    void restore();

private:
    void acceptLoop();
    void pump(int client);

    std::string host_;
    int targetPort_;
    int listenFd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> cut_{false};
    std::mutex mu_;
    std::vector<int> open_;  // both ends of every live link, shut down by cut()
    std::vector<std::thread> threads_;
    std::thread acceptor_;
};

}  // namespace obscura::test
