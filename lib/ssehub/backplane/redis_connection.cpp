#include "ssehub/backplane/redis_connection.hpp"

#include <hiredis/hiredis.h>

#include <sys/time.h>

#include <cerrno>

namespace ssehub {
namespace {

timeval to_timeval(std::chrono::milliseconds ms)
{
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
    return tv;
}

} // namespace

void reply_deleter::operator()(redisReply* r) const
{
    freeReplyObject(r);
}

bool is_error(redisReply const* r)
{
    return r == nullptr || r->type == REDIS_REPLY_ERROR;
}

std::string_view reply_text(redisReply const* r)
{
    if (r == nullptr || (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS && r->type != REDIS_REPLY_ERROR))
        return {};
    return std::string_view(r->str, r->len);
}

redis_connection::redis_connection(redis_url url, std::chrono::milliseconds timeout)
    : url_(std::move(url))
    , timeout_(timeout)
{
}

redis_connection::~redis_connection()
{
    disconnect();
}

void redis_connection::disconnect()
{
    if (context_)
        redisFree(context_);
    context_ = nullptr;
}

void redis_connection::fail(std::string why)
{
    error_ = std::move(why);
    disconnect();
}

bool redis_connection::connect()
{
    disconnect();
    auto const tv = to_timeval(timeout_);
    context_ = url_.socket_path.empty() ? redisConnectWithTimeout(url_.host.c_str(), url_.port, tv)
                                        : redisConnectUnixWithTimeout(url_.socket_path.c_str(), tv);
    if (context_ == nullptr) {
        error_ = "cannot allocate a Redis context";
        return false;
    }
    if (context_->err) {
        fail("cannot connect to " + url_.redacted() + ": " + context_->errstr);
        return false;
    }
    // hiredis 0.14 has no command timeouts: the socket's own timeout bounds every read and write.
    if (redisSetTimeout(context_, tv) != REDIS_OK) {
        fail("cannot set the Redis timeout");
        return false;
    }
    std::vector<std::vector<std::string>> setup;
    if (!url_.password.empty())
        setup.push_back(url_.user.empty() ? std::vector<std::string>{"AUTH", url_.password}
                                          : std::vector<std::string>{"AUTH", url_.user, url_.password});
    if (url_.db != 0)
        setup.push_back({"SELECT", std::to_string(url_.db)});
    for (auto const& cmd : setup) {
        auto r = command(cmd);
        if (!r)
            return false;
        if (is_error(r.get())) {
            // The reply never echoes the password; say which step failed.
            fail(cmd[0] + " refused by " + url_.redacted() + ": " + std::string(reply_text(r.get())));
            return false;
        }
    }
    return true;
}

bool redis_connection::append(std::vector<std::string> const& argv)
{
    std::vector<char const*> ptrs;
    std::vector<std::size_t> lens;
    ptrs.reserve(argv.size());
    lens.reserve(argv.size());
    for (auto const& a : argv) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), ptrs.data(), lens.data()) != REDIS_OK) {
        fail(std::string("Redis command not sent: ") + context_->errstr);
        return false;
    }
    return true;
}

reply_ptr redis_connection::read_reply()
{
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
        auto const timed_out = context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
        fail(timed_out ? "no reply from " + url_.redacted() + " within " + std::to_string(timeout_.count()) + " ms"
                       : "connection to " + url_.redacted() + " lost: " + context_->errstr);
        return nullptr;
    }
    return reply_ptr(static_cast<redisReply*>(raw));
}

reply_ptr redis_connection::command(std::vector<std::string> const& argv)
{
    if (!context_) {
        error_ = "not connected";
        return nullptr;
    }
    if (!append(argv))
        return nullptr;
    return read_reply();
}

std::vector<reply_ptr> redis_connection::pipeline(std::vector<std::vector<std::string>> const& commands)
{
    std::vector<reply_ptr> out;
    if (!context_) {
        error_ = "not connected";
        return out;
    }
    for (auto const& c : commands)
        if (!append(c))
            return out;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        auto r = read_reply();
        if (!r)
            return {};
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace ssehub
