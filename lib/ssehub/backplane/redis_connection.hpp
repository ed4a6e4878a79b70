// One blocking hiredis connection, for one dedicated thread: connect (with AUTH and SELECT),
// commands with a bounded wait, pipelines. No io thread ever uses it.
#pragma once

#include "ssehub/backplane/redis_url.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;
struct redisReply;

namespace ssehub {

// Owns a reply tree; freed with freeReplyObject.
struct reply_deleter {
    void operator()(redisReply* r) const;
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

// Not thread-safe: one thread owns it. After any error the connection is closed (hiredis's
// context cannot be reused once a read or write failed or timed out); connect() again.
class redis_connection {
public:
    redis_connection(redis_url url, std::chrono::milliseconds timeout);
    ~redis_connection();
    redis_connection(redis_connection const&) = delete;
    redis_connection& operator=(redis_connection const&) = delete;

    // Connects, authenticates and selects the database; false with error() set.
    bool connect();
    bool connected() const { return context_ != nullptr; }
    void disconnect();

    // Sends one command and waits at most the timeout for its reply. nullptr on an I/O error or
    // timeout (the connection is then closed); a Redis error reply is returned as a reply.
    reply_ptr command(std::vector<std::string> const& argv);

    // Sends every command, then reads their replies in order: one round trip for all.
    // Empty on an I/O error or timeout (the connection is then closed).
    std::vector<reply_ptr> pipeline(std::vector<std::vector<std::string>> const& commands);

    // Why the last connect or command failed.
    std::string const& error() const { return error_; }

private:
    bool append(std::vector<std::string> const& argv);
    reply_ptr read_reply();
    void fail(std::string why);

    redis_url url_;
    std::chrono::milliseconds timeout_;
    redisContext* context_ = nullptr;
    std::string error_;
};

// Reply helpers (null-safe).
bool is_error(redisReply const* r);
std::string_view reply_text(redisReply const* r); // a string, status or error reply's text

} // namespace ssehub
