// The stream an HTTP session reads and writes: Beast's timed TCP stream on the session's own
// io thread, typed by that thread's executor (see tcp_socket in net.hpp).
#pragma once

#include "ssehub/net.hpp"

#include <boost/beast/core/tcp_stream.hpp>

namespace ssehub {

using session_stream = boost::beast::basic_stream<tcp, executor>;

} // namespace ssehub
