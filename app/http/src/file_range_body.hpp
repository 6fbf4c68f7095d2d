#pragma once
// A Beast body that sends [offset, offset + length) of an open file. Beast 1.74's file_body always starts at
// byte 0 and sends to the end, which cannot serve Range requests; this one seeks first and reads through a
// buffer the session owns, so a response allocates nothing per chunk. (A blob reader's bytes take another path,
// session_blob.cpp: its reads may block and run on the worker pool.)
#include <algorithm>
#include <cstdint>
#include <utility>

#include "net.hpp"

namespace obscura::httpd {

struct FileRangeBody {
    struct value_type {
        beast::file file;
        std::uint64_t offset = 0;
        std::uint64_t length = 0;
        char* buffer = nullptr;
        std::size_t bufferSize = 0;
    };

    static std::uint64_t size(const value_type& body) { return body.length; }

    class writer {
    public:
        using const_buffers_type = net::const_buffer;

        template <bool isRequest, class Fields>
        writer(http::header<isRequest, Fields>&, value_type& body) : body_(body), remain_(body.length) {}

        void init(beast::error_code& ec) {
            ec = {};
            if (remain_ > 0) body_.file.seek(body_.offset, ec);
        }

        boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
            ec = {};
            if (remain_ == 0) return boost::none;
            const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(remain_, body_.bufferSize));
            const std::size_t got = body_.file.read(body_.buffer, want, ec);
            if (ec) return boost::none;
            if (got == 0) {
                // The file shrank under us; the Content-Length already promised more, so the connection must end.
                ec = http::error::short_read;
                return boost::none;
            }
            remain_ -= got;
            return {{const_buffers_type(body_.buffer, got), remain_ > 0}};
        }

    private:
        value_type& body_;
        std::uint64_t remain_;
    };
};

}  // namespace obscura::httpd
