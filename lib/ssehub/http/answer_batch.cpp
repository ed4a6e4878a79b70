#include "ssehub/http/answer_batch.hpp"

#include "ssehub/delivery/write_now.hpp"
#include "ssehub/http/use_tuple.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

namespace ssehub {
namespace beast = boost::beast;

std::size_t answer_batch::add(response& res)
{
    auto const before = bytes_.size();
    http::response_serializer<http::string_body> serializer(res);
    beast::error_code ec;
    // A string body never fails to serialize; the loop ends when head and body are copied.
    while (!ec && !serializer.is_done()) {
        serializer.next(ec, [&](beast::error_code&, auto const& buffers) {
            std::size_t n = 0;
            for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers); ++it) {
                net::const_buffer b = *it;
                bytes_.append(static_cast<char const*>(b.data()), b.size());
                n += b.size();
            }
            serializer.consume(n);
        });
    }
    return bytes_.size() - before;
}

net::awaitable<beast::error_code> answer_batch::flush(beast::tcp_stream& stream)
{
    if (bytes_.empty())
        co_return beast::error_code{};
    beast::error_code ec;
    auto const n = write_now(stream.socket(), net::buffer(bytes_), ec);
    if (!ec && n < bytes_.size())
        std::tie(ec, std::ignore) = co_await net::async_write(stream, net::buffer(bytes_) + n, use_tuple);
    bytes_.clear();
    co_return ec;
}

} // namespace ssehub
