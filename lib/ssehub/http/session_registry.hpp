// The HTTP connections open on one io thread, so shutdown can close the idle keep-alive ones.
#pragma once

#include "ssehub/net.hpp"

#include <unordered_set>

namespace ssehub {

// Thread-safety: none; used only on its io thread (sessions register from their coroutine).
class session_registry {
public:
    void add(tcp::socket& s) { sockets_.insert(&s); }
    void remove(tcp::socket& s) { sockets_.erase(&s); }
    bool stopping() const { return stopping_; }

    // Every session's pending read or write ends with operation_aborted and the session exits.
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
