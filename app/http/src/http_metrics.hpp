#pragma once
// The HTTP layer's Prometheus series. Series handles are looked up once per (method, route, status) and cached:
// prometheus-cpp's Family::Add builds a fresh metric object on every call, which would allocate per request.
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace obscura {
struct Route;
}

namespace obscura::httpd {

enum class RejectReason { ServerFull, ClientFull };

class HttpMetrics {
public:
    explicit HttpMetrics(prometheus::Registry& registry);

    // route == nullptr: no route matched ("unmatched").
    void requestFinished(std::string_view method, const Route* route, int status, double seconds);
    void connectionOpened();
    void connectionClosed();
    void connectionRejected(RejectReason reason);

private:
    struct Series {
        prometheus::Histogram* duration = nullptr;
        std::vector<std::pair<int, prometheus::Counter*>> byStatus;
    };

    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Family<prometheus::Histogram>& duration_;
    prometheus::Gauge& active_;
    prometheus::Counter& rejectedServerFull_;
    prometheus::Counter& rejectedClientFull_;
    std::mutex mu_;
    std::map<std::pair<std::string, const Route*>, Series> series_;
};

}  // namespace obscura::httpd
