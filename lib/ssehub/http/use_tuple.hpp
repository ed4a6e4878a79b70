// The completion token of the sessions and the listener: an awaited operation yields its
// error_code (and result) as a tuple, so expected errors are checked, not thrown.
#pragma once

#include "ssehub/net.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ssehub {

inline constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

} // namespace ssehub
