// GET /events: which topics, from which id, whether the subscriber may read them, and the
// head of the stream. The stream itself is the hub's (hub_shard, subscriber).
#include "ssehub/http/router.hpp"

#include "ssehub/http/subscriber_auth.hpp"
#include "ssehub/http/url.hpp"
#include "ssehub/sse/last_event_id.hpp"
#include "ssehub/sse/sse_encoder.hpp"

#include <algorithm>
#include <chrono>

namespace ssehub {
namespace {

// A token's `exp` (seconds since the epoch) as a deadline on the steady clock.
std::chrono::steady_clock::time_point stream_deadline(std::optional<double> expires_at)
{
    using steady = std::chrono::steady_clock;
    if (!expires_at)
        return steady::time_point::max();
    auto const now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    auto const left = std::max(0.0, *expires_at - now);
    if (left > 100.0 * 365 * 24 * 3600) // so far off that the sum could overflow the clock: never
        return steady::time_point::max();
    return steady::now() + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(left));
}

} // namespace

std::string stream_preamble(std::string_view opening_comment, std::uint64_t retry_ms, std::string_view extra_headers)
{
    // Close-delimited body (no Content-Length, no chunking): the stream ends when the
    // connection does, which every HTTP/1.x client and proxy understands.
    constexpr std::string_view head = "HTTP/1.1 200 OK\r\n"
                                      "Content-Type: text/event-stream; charset=utf-8\r\n"
                                      "Cache-Control: no-cache\r\n"
                                      "X-Accel-Buffering: no\r\n"
                                      "Connection: close\r\n";
    std::string out;
    // One allocation: room for the lines below and the position line the shard may add.
    out.reserve(head.size() + extra_headers.size() + opening_comment.size() + 96);
    out += head;
    out += extra_headers;
    out += "\r\n";
    // The first bytes go out at once so proxies forward the headers and clients see "open".
    out += sse::encode_comment(opening_comment);
    out += sse::encode_retry(retry_ms);
    return out;
}

route_result router::open_stream(request const& req, std::string_view query)
{
    if (req.method() != http::verb::get)
        return method_not_allowed(req, "GET");
    auto params = parse_query(query);
    if (!params)
        return error_response(req, http::status::bad_request, "badly encoded query string");
    std::vector<std::string> topics;
    std::optional<std::string> last_id;
    std::optional<std::string> access_token;
    for (auto& [name, value] : *params) {
        if (name == "topic") {
            if (!is_valid_topic(value))
                return error_response(req, http::status::bad_request,
                                      "invalid topic: use 1-128 characters of A-Z a-z 0-9 _ . : / -");
            topics.push_back(std::move(value));
        } else if (name == "lastEventId" || name == "last_event_id") {
            last_id = std::move(value);
        } else if (name == "access_token") {
            access_token = std::move(value);
        }
    }
    if (topics.size() > 64)
        return error_response(req, http::status::bad_request, "too many topics (at most 64)");
    auto expires = std::chrono::steady_clock::time_point::max();
    if (!ctx_.options.subscriber_secret.empty()) {
        // A refused stream gets a non-200 status on purpose: EventSource then stops retrying.
        auto const token = find_subscriber_token(access_token, req[http::field::cookie]);
        if (!token) {
            auto res = error_response(req, http::status::unauthorized, "subscriber token required (access_token or ssehub_token cookie)");
            cors_.add_headers(req, res);
            return res;
        }
        auto const verdict = verify_subscriber_token(*token, ctx_.options.subscriber_secret,
                                                     std::chrono::duration_cast<std::chrono::seconds>(
                                                         std::chrono::system_clock::now().time_since_epoch()).count());
        if (auto const* why = std::get_if<std::string>(&verdict)) {
            auto res = error_response(req, http::status::unauthorized, "subscriber token refused: " + *why);
            cors_.add_headers(req, res);
            return res;
        }
        auto const& grant = std::get<topic_grant>(verdict);
        expires = stream_deadline(grant.expires_at);
        for (auto const& t : topics)
            if (!grant.allows(t)) {
                auto res = error_response(req, http::status::forbidden, "the token does not allow topic " + t);
                cors_.add_headers(req, res);
                return res;
            }
        if (topics.empty() && !grant.all_topics) {
            if (grant.topics.empty())
                return error_response(req, http::status::forbidden, "the token allows no topic");
            topics = grant.topics; // "every topic" means every topic the token allows
        }
    }
    std::optional<std::string> resume;
    if (auto const id = sse::requested_last_event_id(req["Last-Event-ID"], last_id))
        resume = std::string(*id);
    auto const cors = cors_.header_lines(req);
    return events_route{topic_filter(std::move(topics)), std::move(resume),
                        stream_preamble("ssehub stream open", static_cast<std::uint64_t>(ctx_.options.retry.count()), cors),
                        expires};
}

} // namespace ssehub
