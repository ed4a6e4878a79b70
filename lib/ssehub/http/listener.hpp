// Accepts connections and spreads them round-robin over the io threads.
#pragma once

#include "ssehub/http/http_session.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>

namespace ssehub {

class connection_limit;
class task_group;

// A member of the acceptor's thread's task group: runs until the group stops, then closes the
// acceptor. `groups[i]` is io thread i's group (each session joins its thread's), `env_for(i)`
// its session environment. Throws system_error for an accept error that no wait can cure
// (the listening socket is broken): the caller stops the server.
net::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::vector<task_group*> groups,
                                 std::function<session_env(std::size_t)> env_for, connection_limit& limit);

// Out of descriptors or memory, or an error the connection brought along (accept(2) lists
// them): accepting pauses and goes on. Anything else ends the accept loop.
bool accept_error_is_transient(boost::system::error_code ec);

// The exit handler of a session: logs the exception that ended it (its connection is closed
// with it); a session cut by shutdown before it began is not an error.
void log_task_exception(std::exception_ptr e);

} // namespace ssehub
