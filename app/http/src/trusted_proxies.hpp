#pragma once
// Which peers may tell us the real client address (X-Forwarded-For) and scheme (X-Forwarded-Proto).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net.hpp"
#include "obscura/base/expected.hpp"

namespace obscura::httpd {

// "::ffff:1.2.3.4" (a dual-stack socket's view of an IPv4 peer) becomes 1.2.3.4, so limits and proxy rules
// see one address per client whichever socket family accepted it.
net::ip::address normalizeAddress(const net::ip::address& address);

class TrustedProxies {
public:
    // Entries are IPs ("10.0.0.1", "::1") or CIDRs ("10.0.0.0/8", "fd00::/8"). Invalid entries fail, naming them.
    static Expected<TrustedProxies> parse(const std::vector<std::string>& entries);

    bool empty() const { return networks_.empty(); }
    bool contains(const net::ip::address& address) const;

private:
    struct Network {
        std::array<std::uint8_t, 16> bytes{};
        bool v6 = false;
        unsigned prefix = 0;
    };
    std::vector<Network> networks_;
};

struct ClientOrigin {
    std::string ip;
    bool secure = false;
};

// The client address and scheme for a request from `peer`. Forwarding headers count only when the peer is a
// trusted proxy; then the client is the rightmost X-Forwarded-For hop that is not itself trusted (everything left
// of it could have been written by the client). `forwardedFor` holds every X-Forwarded-For field in order.
ClientOrigin resolveClientOrigin(const TrustedProxies& proxies, const net::ip::address& peer,
                                 const std::string& peerText, const std::vector<std::string_view>& forwardedFor,
                                 std::optional<std::string_view> forwardedProto);

}  // namespace obscura::httpd
