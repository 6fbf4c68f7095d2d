#include "http_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "obscura/kernel/route.hpp"

namespace obscura::httpd {
namespace {

const prometheus::Histogram::BucketBoundaries& durationBuckets() {
    static const prometheus::Histogram::BucketBoundaries kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                                  0.25,  0.5,    1,     2.5,  5,     10,   30};
    return kBuckets;
}

prometheus::Family<prometheus::Counter>& rejectedFamily(prometheus::Registry& registry) {
    return prometheus::BuildCounter()
        .Name("obscura_http_connections_rejected_total")
        .Help("Connections refused because a connection limit was reached")
        .Register(registry);
}

}  // namespace

HttpMetrics::HttpMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("obscura_http_requests_total")
                    .Help("HTTP requests answered, by method, route pattern and status")
                    .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("obscura_http_request_duration_seconds")
                    .Help("Time from a complete request header to the end of the response")
                    .Register(registry)),
      active_(prometheus::BuildGauge()
                  .Name("obscura_http_connections_active")
                  .Help("Open client connections")
                  .Register(registry)
                  .Add({})),
      rejectedServerFull_(rejectedFamily(registry).Add({{"reason", "max_connections"}})),
      rejectedClientFull_(rejectedFamily(registry).Add({{"reason", "max_connections_per_ip"}})) {}

void HttpMetrics::requestFinished(std::string_view method, const Route* route, int status, double seconds) {
    prometheus::Histogram* histogram = nullptr;
    prometheus::Counter* counter = nullptr;
    {
        std::lock_guard lock(mu_);
        auto [it, inserted] = series_.try_emplace({std::string(method), route});
        Series& series = it->second;
        const auto routeLabel = [route] { return route ? route->pattern : std::string("unmatched"); };
        if (inserted) {
            series.duration = &duration_.Add({{"method", it->first.first}, {"route", routeLabel()}}, durationBuckets());
        }
        for (auto& [code, c] : series.byStatus) {
            if (code == status) counter = c;
        }
        if (!counter) {
            counter = &requests_.Add(
                {{"method", it->first.first}, {"route", routeLabel()}, {"status", std::to_string(status)}});
            series.byStatus.emplace_back(status, counter);
        }
        histogram = series.duration;
    }
    counter->Increment();
    histogram->Observe(seconds);
}

void HttpMetrics::connectionOpened() { active_.Increment(); }
void HttpMetrics::connectionClosed() { active_.Decrement(); }

void HttpMetrics::connectionRejected(RejectReason reason) {
    (reason == RejectReason::ServerFull ? rejectedServerFull_ : rejectedClientFull_).Increment();
}

}  // namespace obscura::httpd
