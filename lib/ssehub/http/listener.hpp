// Accepts connections and spreads them round-robin over the io threads.
#pragma once

#include "ssehub/http/http_session.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>

namespace ssehub {

class connection_limit;

// Runs on the acceptor's thread until the acceptor is closed. `env_for(i)` is the session
// environment of io thread i; `contexts[i]` its io_context.
net::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::vector<net::io_context*> contexts,
                                 std::function<session_env(std::size_t)> env_for, connection_limit& limit);

// The handler for co_spawn of a detached task: logs an escaped exception instead of ending
// the io thread with it.
void log_task_exception(std::exception_ptr e);

} // namespace ssehub
