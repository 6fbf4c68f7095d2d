// Asio and Beast compiled once for the whole program (BOOST_*_SEPARATE_COMPILATION are PUBLIC on obscura_http).
// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
// clang-format on
