#pragma once
// The one header that wraps Asio and Beast for app/http/src. Compiled separately (net_impl.cpp).
// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <string_view>

namespace obscura::httpd {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// Concrete executor types instead of any_io_executor: no type erasure on every handler dispatch.
using Strand = net::strand<net::io_context::executor_type>;
using Socket = net::basic_stream_socket<tcp, Strand>;
using Timer = net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Strand>;

// Beast 1.74's string_view is boost::string_view; the kernel speaks std::string_view.
inline std::string_view toStd(beast::string_view s) { return {s.data(), s.size()}; }
inline beast::string_view toBeast(std::string_view s) { return {s.data(), s.size()}; }

// A malformed request (worth a 400), as opposed to the peer going away.
inline bool isHttpParseError(const beast::error_code& ec) {
    return ec.category() == beast::error_code(http::error::bad_target).category() && ec != http::error::end_of_stream &&
           ec != http::error::partial_message;
}

}  // namespace obscura::httpd
