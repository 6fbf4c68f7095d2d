#include "request_id.hpp"

#include <algorithm>
#include <cstdint>
#include <random>
#include <thread>

namespace obscura::httpd {

bool isAcceptableRequestId(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
    });
}

std::string newRequestId() {
    // Ids correlate log lines; they are not secrets, so a per-thread PRNG seeded once is enough and lock-free.
    thread_local std::mt19937_64 engine = [] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device(),
                           static_cast<unsigned>(std::hash<std::thread::id>{}(std::this_thread::get_id()))};
        return std::mt19937_64(seed);
    }();
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id(32, '0');
    for (int half = 0; half < 2; ++half) {
        std::uint64_t bits = engine();
        for (int i = 0; i < 16; ++i) {
            id[half * 16 + i] = kHex[bits & 0xF];
            bits >>= 4;
        }
    }
    return id;
}

}  // namespace obscura::httpd
