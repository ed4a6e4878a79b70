#include "ssehub/http/answer_batch.hpp"

#include "ssehub/delivery/write_now.hpp"
#include "ssehub/http/use_tuple.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

namespace ssehub {
namespace beast = boost::beast;

std::size_t answer_batch::add(response const& res)
{
    auto const before = bytes_.size();
    append_wire_form(res, bytes_);
    return bytes_.size() - before;
}

net::awaitable<beast::error_code> answer_batch::flush(session_stream& stream)
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
