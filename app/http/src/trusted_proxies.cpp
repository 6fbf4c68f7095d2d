#include "trusted_proxies.hpp"

#include <algorithm>
#include <charconv>

#include "ascii.hpp"

namespace obscura::httpd {
namespace {

std::optional<net::ip::address> parseAddress(std::string_view text) {
    // "[::1]" and "1.2.3.4:5678" appear in X-Forwarded-For from some proxies; ports are not part of the identity.
    if (text.size() > 2 && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        text = text.substr(1, close - 1);
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        text = text.substr(0, text.find(':'));
    }
    boost::system::error_code ec;
    auto address = net::ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    return normalizeAddress(address);
}

std::array<std::uint8_t, 16> addressBytes(const net::ip::address& a) {
    std::array<std::uint8_t, 16> out{};
    if (a.is_v4()) {
        const auto b = a.to_v4().to_bytes();
        std::copy(b.begin(), b.end(), out.begin());
    } else {
        const auto b = a.to_v6().to_bytes();
        std::copy(b.begin(), b.end(), out.begin());
    }
    return out;
}

}  // namespace

net::ip::address normalizeAddress(const net::ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
    }
    return address;
}

Expected<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries) {
    TrustedProxies result;
    for (const auto& entry : entries) {
        const std::string_view text = trimSpaces(entry);
        const auto slash = text.find('/');
        const auto address = parseAddress(text.substr(0, slash));
        if (!address) return Error(ErrorCode::Invalid, "trusted proxy '" + entry + "' is not an IP address or CIDR");
        Network net;
        net.v6 = address->is_v6();
        net.bytes = addressBytes(*address);
        const unsigned maxPrefix = net.v6 ? 128 : 32;
        net.prefix = maxPrefix;
        if (slash != std::string_view::npos) {
            const auto bits = text.substr(slash + 1);
            unsigned prefix = 0;
            const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
            if (ec != std::errc() || end != bits.data() + bits.size() || bits.empty() || prefix > maxPrefix) {
                return Error(ErrorCode::Invalid, "trusted proxy '" + entry + "' has an invalid prefix length");
            }
            net.prefix = prefix;
        }
        result.networks_.push_back(net);
    }
    return result;
}

bool TrustedProxies::contains(const net::ip::address& raw) const {
    if (networks_.empty()) return false;
    const auto address = normalizeAddress(raw);
    const bool v6 = address.is_v6();
    const auto bytes = addressBytes(address);
    for (const auto& net : networks_) {
        if (net.v6 != v6) continue;
        const unsigned full = net.prefix / 8;
        const unsigned rest = net.prefix % 8;
        if (!std::equal(bytes.begin(), bytes.begin() + full, net.bytes.begin())) continue;
        if (rest != 0) {
            const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
            if ((bytes[full] & mask) != (net.bytes[full] & mask)) continue;
        }
        return true;
    }
    return false;
}

ClientOrigin resolveClientOrigin(const TrustedProxies& proxies, const net::ip::address& peer,
                                 const std::string& peerText, const std::vector<std::string_view>& forwardedFor,
                                 std::optional<std::string_view> forwardedProto) {
    ClientOrigin origin{peerText, false};
    if (!proxies.contains(peer)) return origin;

    std::vector<std::string_view> hops;
    for (const auto field : forwardedFor) {
        std::size_t start = 0;
        while (start <= field.size()) {
            const auto comma = std::min(field.find(',', start), field.size());
            const auto hop = trimSpaces(field.substr(start, comma - start));
            if (!hop.empty()) hops.push_back(hop);
            start = comma + 1;
        }
    }
    // Right to left; every trusted hop passes the question on to the one before it. Garbage in the chain
    // stops the walk: we keep the last address we could verify rather than believe it.
    for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
        const auto address = parseAddress(*hop);
        if (!address) break;
        origin.ip = address->to_string();
        if (!proxies.contains(*address)) break;
    }
    if (forwardedProto) {
        // The rightmost value is the one our trusted proxy wrote; earlier ones may come from the client.
        std::string_view proto = *forwardedProto;
        const auto comma = proto.rfind(',');
        if (comma != std::string_view::npos) proto = proto.substr(comma + 1);
        origin.secure = iequals(trimSpaces(proto), "https");
    }
    return origin;
}

}  // namespace obscura::httpd
