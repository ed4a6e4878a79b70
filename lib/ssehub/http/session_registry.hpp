// The idle HTTP connections on one io thread, so shutdown can close them.
#pragma once

#include "ssehub/net.hpp"

#include <unordered_set>

namespace ssehub {

// A session is registered only while it waits for the first byte of its next request: a
// request that has begun is read and answered even during shutdown (a publish then gets 503,
// not a dropped connection that leaves the publisher guessing).
// Thread-safety: none; used only on its io thread (sessions register from their coroutine).
class session_registry {
public:
    void add(tcp::socket& s) { sockets_.insert(&s); }
    void remove(tcp::socket& s) { sockets_.erase(&s); }
    bool stopping() const { return stopping_; }

    // Every idle session's wait ends with operation_aborted and the session exits; the busy
    // ones see stopping() once they have answered.
    void close_all()
    {
        stopping_ = true;
        for (auto* s : sockets_) {
            boost::system::error_code ec;
            s->shutdown(tcp::socket::shutdown_both, ec);
            s->close(ec);
        }
        sockets_.clear();
    }

private:
    std::unordered_set<tcp::socket*> sockets_;
    bool stopping_ = false;
};

} // namespace ssehub
