// Namespace and executor aliases shared by the whole server; nothing else.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace ssehub {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Each io thread runs its own io_context; everything bound to one context runs on that one
// thread, which is the strand of every connection placed there (see docs/DESIGN.md).
using executor = net::io_context::executor_type;

// A connection the server accepted: typed by its thread's executor rather than the type-erased
// any_io_executor, so every operation on it dispatches directly and is smaller (an idle stream's
// pending receive is one of them).
using tcp_socket = net::basic_stream_socket<tcp, executor>;

} // namespace ssehub
