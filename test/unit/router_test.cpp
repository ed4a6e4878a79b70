// http/router: requests in, responses or stream decisions out; no sockets.
#include "ssehub/http/router.hpp"
#include "ssehub/hub/memory_event_log.hpp"
#include "support/event_parser.hpp"
#include "support/publish.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using ssehub::events_route;
using ssehub::request;
using ssehub::response;
using namespace std::string_literals;

namespace {

std::string const index_html = "<!doctype html><h1>ssehub</h1>";
std::string const app_js = "console.log('hi');\n";
std::string const token = "test-token-0123";

struct static_dir {
    fs::path root;
    static_dir()
    {
        std::string tmpl = (fs::temp_directory_path() / "ssehub-router-XXXXXX").string();
        BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        root = tmpl;
        std::ofstream(root / "index.html", std::ios::binary) << index_html;
        std::ofstream(root / "app.js", std::ios::binary) << app_js;
    }
    ~static_dir()
    {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
};

ssehub::http_options make_options(std::string publish_token)
{
    ssehub::http_options o;
    o.publish_token = std::move(publish_token);
    o.retry = std::chrono::milliseconds(2500); // not the default, so the preamble must take it from here
    o.default_topic = "fallback";
    return o;
}

ssehub::hub_options small_hub()
{
    ssehub::hub_options o;
    o.ring_events = 100;
    o.first_id = 1;
    return o;
}

struct fixture {
    static_dir dir;
    ssehub::http_options options = make_options(token);
    ssehub::static_files files{dir.root};
    ssehub::hub events{small_hub()};
    ssehub::memory_event_log log{events};
    ssehub::router routes{ssehub::router_context{options, files, [] { return std::string("ssehub_test_metric 1\n"); }}};

    // What the session does with a request: a publish_route is appended through the log and
    // answered by answer_publish(); anything else must be a response.
    response answer(request const& req);
};

request make_request(http::verb method, std::string const& target)
{
    request req{method, target, 11};
    req.set(http::field::host, "localhost");
    return req;
}

request publish_request(std::string const& body, std::string const& authorization = "Bearer " + token,
                        std::string const& content_type = "application/json")
{
    auto req = make_request(http::verb::post, "/publish");
    if (!authorization.empty())
        req.set(http::field::authorization, authorization);
    if (!content_type.empty())
        req.set(http::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
    return req;
}

response as_response(ssehub::route_result r)
{
    BOOST_REQUIRE_MESSAGE(std::holds_alternative<response>(r), "expected a response, got a stream or a publish");
    return std::get<response>(std::move(r));
}

events_route as_stream(ssehub::route_result r)
{
    if (auto const* res = std::get_if<response>(&r))
        BOOST_FAIL("expected a stream, got " << res->result_int() << " " << res->body());
    return std::get<events_route>(std::move(r));
}

response fixture::answer(request const& req)
{
    auto routed = routes.route(req);
    auto* route = std::get_if<ssehub::publish_route>(&routed);
    if (!route)
        return as_response(std::move(routed));
    auto answered = routes.answer_publish(req, ssehub::test::publish(log, std::move(route->drafts)));
    if (auto* accepted = std::get_if<ssehub::accepted_publish>(&answered))
        return std::move(accepted->res);
    return std::get<response>(std::move(answered));
}

std::string header(response const& res, http::field f)
{
    auto const v = res[f];
    return std::string(v.data(), v.size());
}

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The JSON error body {"error": "..."} of a refusal.
void check_json_error(response const& res)
{
    BOOST_TEST(header(res, http::field::content_type).starts_with("application/json"));
    auto const doc = boost::json::parse(res.body());
    BOOST_REQUIRE(doc.is_object());
    auto const* err = doc.as_object().if_contains("error");
    BOOST_REQUIRE(err != nullptr);
    BOOST_REQUIRE(err->is_string());
    BOOST_TEST(!err->as_string().empty());
}

std::vector<std::string> allow_list(response const& res)
{
    std::vector<std::string> out;
    auto const allow = header(res, http::field::allow);
    std::size_t start = 0;
    while (start <= allow.size()) {
        auto end = allow.find(',', start);
        if (end == std::string::npos)
            end = allow.size();
        auto item = allow.substr(start, end - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty())
            out.push_back(item);
        start = end + 1;
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(router_test)

BOOST_FIXTURE_TEST_CASE(get_root_serves_index_html, fixture)
{
    auto const res = as_response(routes.route(make_request(http::verb::get, "/")));
    BOOST_TEST(res.result_int() == 200u);
    BOOST_TEST(res.body() == index_html);
    BOOST_TEST(header(res, http::field::content_type).starts_with("text/html"));
    BOOST_TEST(!header(res, http::field::etag).empty());
    BOOST_TEST(!header(res, http::field::last_modified).empty());
    BOOST_TEST(header(res, http::field::content_length) == std::to_string(index_html.size()));
}

BOOST_FIXTURE_TEST_CASE(get_a_file_serves_it_with_its_type, fixture)
{
    auto const res = as_response(routes.route(make_request(http::verb::get, "/app.js")));
    BOOST_TEST(res.result_int() == 200u);
    BOOST_TEST(res.body() == app_js);
    BOOST_TEST(header(res, http::field::content_type).starts_with("text/javascript"));
}

BOOST_FIXTURE_TEST_CASE(a_query_string_does_not_change_the_file, fixture)
{
    auto const res = as_response(routes.route(make_request(http::verb::get, "/app.js?v=3")));
    BOOST_TEST(res.result_int() == 200u);
    BOOST_TEST(res.body() == app_js);
}

BOOST_FIXTURE_TEST_CASE(head_root_has_headers_but_no_body, fixture)
{
    auto const res = as_response(routes.route(make_request(http::verb::head, "/")));
    BOOST_TEST(res.result_int() == 200u);
    BOOST_TEST(res.body().empty());
    BOOST_TEST(header(res, http::field::content_type).starts_with("text/html"));
    BOOST_TEST(!header(res, http::field::etag).empty());
    auto const length = header(res, http::field::content_length);
    BOOST_TEST((length.empty() || length == std::to_string(index_html.size())), length); // as GET would send
}

BOOST_FIXTURE_TEST_CASE(if_none_match_with_the_etag_is_304, fixture)
{
    auto const first = as_response(routes.route(make_request(http::verb::get, "/")));
    auto const etag = header(first, http::field::etag);
    BOOST_REQUIRE(!etag.empty());

    for (std::string const& inm : {etag, "\"other\", " + etag, std::string("*")}) {
        auto req = make_request(http::verb::get, "/");
        req.set(http::field::if_none_match, inm);
        auto const res = as_response(routes.route(req));
        BOOST_TEST(res.result_int() == 304u, "If-None-Match: " << inm);
        BOOST_TEST(res.body().empty());
        BOOST_TEST(header(res, http::field::etag) == etag); // a 304 repeats the validator
    }

    auto req = make_request(http::verb::get, "/");
    req.set(http::field::if_none_match, "\"something-else\"");
    auto const res = as_response(routes.route(req));
    BOOST_TEST(res.result_int() == 200u);
    BOOST_TEST(res.body() == index_html);
}

// Was a bug: HEAD /metrics and every HEAD error answer (404, 405) carried their body, which a
// keep-alive client then read as the next response.
BOOST_FIXTURE_TEST_CASE(a_head_answer_has_the_get_answers_headers_and_no_body, fixture)
{
    for (std::string const& target : {"/"s, "/app.js"s, "/healthz"s, "/metrics"s, "/missing.txt"s, "/%2e%2e/x"s}) {
        BOOST_TEST_CONTEXT("HEAD " << target)
        {
            auto const get = as_response(routes.route(make_request(http::verb::get, target)));
            auto const head = as_response(routes.route(make_request(http::verb::head, target)));
            BOOST_TEST(head.result_int() == get.result_int());
            BOOST_TEST(head.body().empty());
            BOOST_TEST(header(head, http::field::content_length) == std::to_string(get.body().size()));
            BOOST_TEST(header(head, http::field::content_type) == header(get, http::field::content_type));
        }
    }
    for (std::string const& target : {"/events"s, "/events?topic=a%20b"s, "/publish"s}) {
        BOOST_TEST_CONTEXT("HEAD " << target)
        {
            auto const head = as_response(routes.route(make_request(http::verb::head, target)));
            BOOST_TEST(head.result_int() == 405u);
            BOOST_TEST(!header(head, http::field::allow).empty());
            BOOST_TEST(head.body().empty());
            BOOST_TEST(std::stoul(header(head, http::field::content_length)) > 0u); // the GET-style error's length
        }
    }
}

BOOST_FIXTURE_TEST_CASE(the_static_fast_path_sends_no_body_for_head, fixture)
{
    auto const head = routes.route_static(make_request(http::verb::head, "/app.js"));
    BOOST_REQUIRE(head.has_value());
    BOOST_TEST(!head->send_body);
    BOOST_TEST(head->head().find("Content-Length: " + std::to_string(app_js.size()) + "\r\n") != std::string::npos);
    auto const get = routes.route_static(make_request(http::verb::get, "/app.js"));
    BOOST_REQUIRE(get.has_value());
    BOOST_TEST(get->send_body);
}

// Was a bug: only a matching ETag gave 304; an If-Modified-Since at Last-Modified gave 200.
BOOST_FIXTURE_TEST_CASE(if_modified_since_at_or_after_last_modified_is_304, fixture)
{
    auto const first = as_response(routes.route(make_request(http::verb::get, "/app.js")));
    auto const last_modified = header(first, http::field::last_modified);
    auto const seconds = ssehub::parse_http_date(last_modified);
    BOOST_REQUIRE(seconds.has_value());
    auto const status_for = [&](http::verb method, std::string const& ims, std::string const& inm = {}) {
        auto req = make_request(method, "/app.js");
        req.set(http::field::if_modified_since, ims);
        if (!inm.empty())
            req.set(http::field::if_none_match, inm);
        auto const res = as_response(routes.route(req));
        auto const fast = routes.route_static(req);
        BOOST_REQUIRE(fast.has_value());
        BOOST_TEST(fast->not_modified == (res.result_int() == 304u)); // the fast path agrees
        return res.result_int();
    };
    for (auto method : {http::verb::get, http::verb::head}) {
        BOOST_TEST(status_for(method, last_modified) == 304u);
        BOOST_TEST(status_for(method, ssehub::http_date(*seconds + 3600)) == 304u);
        BOOST_TEST(status_for(method, ssehub::http_date(*seconds - 1)) == 200u);
        BOOST_TEST(status_for(method, "yesterday") == 200u); // not a date: ignored
        // If-None-Match takes precedence (RFC 9110 13.1.3): a stale ETag wins over a fresh date.
        BOOST_TEST(status_for(method, last_modified, "\"stale\"") == 200u);
        BOOST_TEST(status_for(method, ssehub::http_date(*seconds - 1), header(first, http::field::etag)) == 304u);
    }
}

BOOST_FIXTURE_TEST_CASE(unknown_paths_are_404_with_a_json_error, fixture)
{
    for (std::string_view target : {"/missing.txt", "/../etc/passwd", "/%2e%2e/etc/passwd", "/nowhere/"}) {
        BOOST_TEST_CONTEXT("target " << target)
        {
            auto const res = as_response(routes.route(make_request(http::verb::get, std::string(target))));
            BOOST_TEST(res.result_int() == 404u);
            check_json_error(res);
        }
    }
}

BOOST_FIXTURE_TEST_CASE(wrong_methods_are_405_with_allow, fixture)
{
    struct route_case {
        std::string target;
        http::verb wrong;
        std::string must_allow;
        std::string must_not_allow;
    };
    std::vector<route_case> const cases{
        {"/", http::verb::post, "GET", "POST"},
        {"/app.js", http::verb::delete_, "GET", "DELETE"},
        {"/events", http::verb::post, "GET", "POST"},
        {"/publish", http::verb::get, "POST", "GET"},
        {"/publish", http::verb::put, "POST", "PUT"},
        {"/healthz", http::verb::post, "GET", "POST"},
        {"/metrics", http::verb::post, "GET", "POST"},
    };
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT(http::to_string(c.wrong) << " " << c.target)
        {
            auto const res = as_response(routes.route(make_request(c.wrong, c.target)));
            BOOST_TEST(res.result_int() == 405u);
            check_json_error(res);
            auto const allowed = allow_list(res);
            BOOST_TEST((std::find(allowed.begin(), allowed.end(), c.must_allow) != allowed.end()));
            BOOST_TEST((std::find(allowed.begin(), allowed.end(), c.must_not_allow) == allowed.end()));
            // Every method the answer allows is in fact not refused with 405.
            for (auto const& m : allowed) {
                auto const r = routes.route(make_request(http::string_to_verb(m), c.target));
                if (auto const* other = std::get_if<response>(&r))
                    BOOST_TEST(other->result_int() != 405u, m << " is in Allow but refused");
            }
        }
    }
}

BOOST_FIXTURE_TEST_CASE(healthz_says_ok, fixture)
{
    auto const res = as_response(routes.route(make_request(http::verb::get, "/healthz")));
    BOOST_TEST(res.result_int() == 200u);
    BOOST_TEST(header(res, http::field::content_type).starts_with("application/json"));
    auto const doc = boost::json::parse(res.body());
    BOOST_REQUIRE(doc.is_object());
    BOOST_REQUIRE(doc.as_object().if_contains("status"));
    BOOST_TEST(std::string_view(doc.as_object().at("status").as_string()) == "ok");

    auto const head = as_response(routes.route(make_request(http::verb::head, "/healthz")));
    BOOST_TEST(head.result_int() == 200u);
    BOOST_TEST(head.body().empty());
}

BOOST_FIXTURE_TEST_CASE(metrics_serves_the_exposition_text, fixture)
{
    auto const res = as_response(routes.route(make_request(http::verb::get, "/metrics")));
    BOOST_TEST(res.result_int() == 200u);
    BOOST_TEST(res.body() == "ssehub_test_metric 1\n");
    BOOST_TEST(header(res, http::field::content_type).starts_with("text/plain"));
}

BOOST_FIXTURE_TEST_CASE(events_opens_a_stream_with_the_topics, fixture)
{
    auto const all = as_stream(routes.route(make_request(http::verb::get, "/events")));
    BOOST_TEST(all.topics.all());
    BOOST_TEST(!all.last_event_id.has_value());

    auto const some = as_stream(routes.route(make_request(http::verb::get, "/events?topic=news&topic=a%3Ab&x=1&topic=news")));
    std::vector<std::string> const expected{"a:b", "news"};
    BOOST_TEST(some.topics.topics() == expected, boost::test_tools::per_element());
    BOOST_TEST(some.topics.matches("news"));
    BOOST_TEST(!some.topics.matches("other"));
    BOOST_TEST(!some.last_event_id.has_value());
}

BOOST_FIXTURE_TEST_CASE(events_takes_the_last_event_id_from_header_or_query, fixture)
{
    auto const camel = as_stream(routes.route(make_request(http::verb::get, "/events?lastEventId=5")));
    BOOST_REQUIRE(camel.last_event_id.has_value());
    BOOST_TEST(*camel.last_event_id == "5");

    auto const snake = as_stream(routes.route(make_request(http::verb::get, "/events?last_event_id=6")));
    BOOST_REQUIRE(snake.last_event_id.has_value());
    BOOST_TEST(*snake.last_event_id == "6");

    auto only_header = make_request(http::verb::get, "/events?topic=a");
    only_header.set("last-event-id", "9");
    auto const h = as_stream(routes.route(only_header));
    BOOST_REQUIRE(h.last_event_id.has_value());
    BOOST_TEST(*h.last_event_id == "9");

    // The header wins: the browser sends it on reconnects, and it is newer than the page's URL.
    for (std::string const& target : {"/events?lastEventId=5"s, "/events?last_event_id=5&topic=a"s}) {
        auto req = make_request(http::verb::get, target);
        req.set("Last-Event-ID", "42");
        auto const s = as_stream(routes.route(req));
        BOOST_REQUIRE(s.last_event_id.has_value());
        BOOST_TEST(*s.last_event_id == "42", target);
    }
}

// Was a bug: an empty query value was an id (so a history-lost), an empty header was none.
BOOST_FIXTURE_TEST_CASE(events_with_an_empty_last_event_id_is_a_fresh_stream, fixture)
{
    for (std::string const& target : {"/events?lastEventId="s, "/events?last_event_id=&topic=a"s, "/events?lastEventId"s}) {
        auto req = make_request(http::verb::get, target);
        BOOST_TEST(!as_stream(routes.route(req)).last_event_id.has_value(), target);
        req.set("Last-Event-ID", "");
        BOOST_TEST(!as_stream(routes.route(req)).last_event_id.has_value(), target << " with an empty header");
    }
    auto req = make_request(http::verb::get, "/events?lastEventId=5");
    req.set("Last-Event-ID", "");
    BOOST_TEST(as_stream(routes.route(req)).last_event_id.value_or("none") == "5");
}

BOOST_FIXTURE_TEST_CASE(events_with_an_invalid_topic_is_400, fixture)
{
    for (std::string_view target : {"/events?topic=a%20b", "/events?topic=", "/events?topic", "/events?topic=a&topic=b%26c",
                                    "/events?topic=%zz", "/events?x=%4"}) {
        BOOST_TEST_CONTEXT("target " << target)
        {
            auto const res = as_response(routes.route(make_request(http::verb::get, std::string(target))));
            BOOST_TEST(res.result_int() == 400u);
            check_json_error(res);
        }
    }
}

BOOST_FIXTURE_TEST_CASE(the_stream_preamble_is_an_sse_response_head_and_opening, fixture)
{
    auto const s = as_stream(routes.route(make_request(http::verb::get, "/events")));
    auto const& p = s.preamble;
    BOOST_TEST(p.starts_with("HTTP/1.1 200 OK\r\n"));
    auto const end_of_head = p.find("\r\n\r\n");
    BOOST_REQUIRE(end_of_head != std::string::npos);
    auto const head = lower(p.substr(0, end_of_head + 2));
    BOOST_TEST(head.find("\r\ncontent-type: text/event-stream") != std::string::npos, head);
    BOOST_TEST(head.find("\r\ncache-control: no-cache") != std::string::npos, head);
    // The stream ends with the connection: no length and no chunking.
    BOOST_TEST(head.find("content-length") == std::string::npos, head);
    BOOST_TEST(head.find("chunked") == std::string::npos, head);

    auto const body = p.substr(end_of_head + 4);
    BOOST_TEST(body.starts_with(": ")); // a comment first, so proxies flush the head at once
    BOOST_TEST(body.find("\nretry: 2500\n") != std::string::npos, body);

    int dispatched = 0;
    int comments = 0;
    ssehub::test::event_parser parser([&](auto const&) { ++dispatched; }, [&](std::string_view) { ++comments; });
    parser.feed(body);
    BOOST_TEST(dispatched == 0);
    BOOST_TEST(comments >= 1);
    BOOST_REQUIRE(parser.retry().has_value());
    BOOST_TEST(*parser.retry() == 2500u);
}

BOOST_FIXTURE_TEST_CASE(stream_preamble_takes_the_comment_and_retry, fixture)
{
    auto const p = ssehub::stream_preamble("hello", 1234);
    BOOST_TEST(p.starts_with("HTTP/1.1 200 OK\r\n"));
    BOOST_TEST(p.find("\r\n\r\n: hello\n\n") != std::string::npos, p);
    BOOST_TEST(p.ends_with("retry: 1234\n\n"), p);
}

BOOST_FIXTURE_TEST_CASE(publish_without_the_right_token_is_401, fixture)
{
    auto const before = events.next_id();
    for (std::string const& auth : {std::string(), "Bearer wrong"s, "Bearer " + token + "x", "Basic " + token, token}) {
        BOOST_TEST_CONTEXT("Authorization: " << auth)
        {
            auto const res = answer(publish_request(R"({"data":"x"})", auth));
            BOOST_TEST(res.result_int() == 401u);
            BOOST_TEST(lower(header(res, http::field::www_authenticate)).starts_with("bearer"));
            check_json_error(res);
        }
    }
    BOOST_TEST(events.next_id() == before);
}

BOOST_AUTO_TEST_CASE(publish_with_an_empty_configured_token_is_always_401)
{
    static_dir dir;
    auto const options = make_options("");
    ssehub::static_files files(dir.root);
    ssehub::hub events(small_hub());
    ssehub::router routes(ssehub::router_context{options, files, {}});
    for (std::string const& auth : {std::string(), "Bearer "s, "Bearer x"s}) {
        auto const res = as_response(routes.route(publish_request(R"({"data":"x"})", auth)));
        BOOST_TEST(res.result_int() == 401u, "Authorization: " << auth);
    }
    BOOST_TEST(events.next_id() == 1u);
}

BOOST_FIXTURE_TEST_CASE(publish_with_a_wrong_content_type_is_415, fixture)
{
    auto const before = events.next_id();
    for (std::string const& type : {std::string(), "text/plain"s, "application/x-www-form-urlencoded"s,
                                   "application/jsonx"s, "multipart/form-data"s}) {
        auto const res = answer(publish_request(R"({"data":"x"})", "Bearer " + token, type));
        BOOST_TEST(res.result_int() == 415u, "Content-Type: " << type);
    }
    BOOST_TEST(events.next_id() == before);
}

BOOST_FIXTURE_TEST_CASE(publish_accepts_json_media_type_parameters_and_case, fixture)
{
    for (std::string const& type : {"application/json; charset=utf-8"s, "Application/JSON"s}) {
        auto const res = answer(publish_request(R"({"data":"x"})", "Bearer " + token, type));
        BOOST_TEST(res.result_int() == 202u, "Content-Type: " << type);
    }
}

BOOST_FIXTURE_TEST_CASE(publish_with_a_bad_body_is_400_and_publishes_nothing, fixture)
{
    ssehub::test::publish(log, ssehub::event_draft{"t", "message", "earlier"});
    auto const before = events.next_id();
    for (std::string_view body : {"", "not json", R"({"topic":"a"})", R"([])", R"({"data":1,"extra":2})",
                                  R"([{"data":"ok"},{"data":"ok","event":"ssehub.fake"}])",
                                  R"([{"data":"ok"},{"topic":"bad topic","data":1}])"}) {
        BOOST_TEST_CONTEXT("body " << body)
        {
            auto const res = answer(publish_request(std::string(body)));
            BOOST_TEST(res.result_int() == 400u);
            check_json_error(res);
        }
    }
    BOOST_TEST(events.next_id() == before);
}

BOOST_FIXTURE_TEST_CASE(publish_during_shutdown_is_503_with_retry_after_and_publishes_nothing, fixture)
{
    ssehub::test::publish(log, ssehub::event_draft{"t", "message", "earlier"});
    auto const before = events.next_id();
    log.close();
    auto const res = answer(publish_request(R"([{"data":"x"},{"data":"y"}])"));
    BOOST_TEST(res.result_int() == 503u);
    check_json_error(res);
    BOOST_TEST(header(res, http::field::retry_after) == "2"); // retry 2500 ms, in whole seconds
    BOOST_TEST(!res.keep_alive());
    BOOST_TEST(events.next_id() == before);
}

BOOST_FIXTURE_TEST_CASE(publish_returns_202_with_the_ids_as_strings, fixture)
{
    ssehub::test::publish(log, ssehub::event_draft{"t", "message", "earlier"});
    auto const before = events.next_id();
    auto const res = answer(publish_request(R"([{"topic":"news","event":"update","data":"x"},{"data":{"k":1}}])"));
    BOOST_TEST(res.result_int() == 202u);
    BOOST_TEST(header(res, http::field::content_type).starts_with("application/json"));
    auto const doc = boost::json::parse(res.body());
    BOOST_REQUIRE(doc.is_object());
    auto const* ids = doc.as_object().if_contains("ids");
    BOOST_REQUIRE(ids != nullptr);
    BOOST_REQUIRE(ids->is_array());
    BOOST_REQUIRE_EQUAL(ids->as_array().size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        auto const& id = ids->as_array()[i];
        BOOST_REQUIRE(id.is_string()); // 64-bit ids do not survive a JavaScript number
        BOOST_TEST(std::string_view(id.as_string()) == std::to_string(before + i));
    }
    BOOST_TEST(events.next_id() == before + 2);

    // The events are in the hub, as published.
    auto const start = events.subscribe(std::to_string(before - 1), ssehub::topic_filter{});
    BOOST_REQUIRE_EQUAL(start.replay.size(), 2u);
    BOOST_TEST(start.replay[0]->topic == "news");
    BOOST_TEST(start.replay[1]->topic == "fallback"); // options.default_topic
    std::vector<ssehub::test::parsed_event> seen;
    ssehub::test::event_parser parser([&](ssehub::test::parsed_event const& e) { seen.push_back(e); });
    parser.feed(start.replay[0]->bytes);
    parser.feed(start.replay[1]->bytes);
    BOOST_REQUIRE_EQUAL(seen.size(), 2u);
    BOOST_TEST(seen[0].type == "update");
    BOOST_TEST(seen[0].data == "x");
    BOOST_TEST(seen[0].last_event_id == std::to_string(before));
    BOOST_TEST(seen[1].type == "message");
    BOOST_TEST(seen[1].data == R"({"k":1})");
}

BOOST_FIXTURE_TEST_CASE(a_valid_publish_routes_to_its_events_and_publishes_nothing_itself, fixture)
{
    auto const before = events.next_id();
    auto routed = routes.route(publish_request(R"([{"topic":"news","event":"update","data":"x"},{"data":"y"}])"));
    auto const* route = std::get_if<ssehub::publish_route>(&routed);
    BOOST_REQUIRE_MESSAGE(route != nullptr, "expected a publish_route");
    BOOST_REQUIRE_EQUAL(route->drafts.size(), 2u);
    BOOST_TEST(route->drafts[0].topic == "news");
    BOOST_TEST(route->drafts[0].event == "update");
    BOOST_TEST(route->drafts[1].topic == "fallback"); // options.default_topic
    BOOST_TEST(events.next_id() == before); // the session appends, through the event log
}

BOOST_FIXTURE_TEST_CASE(an_idempotency_key_travels_with_the_publish_route, fixture)
{
    auto req = publish_request(R"({"data":"x"})");
    req.set("Idempotency-Key", "order-42:created");
    auto routed = routes.route(req);
    auto const* route = std::get_if<ssehub::publish_route>(&routed);
    BOOST_REQUIRE(route != nullptr);
    BOOST_TEST(route->idempotency_key == "order-42:created");
    auto none = routes.route(publish_request(R"({"data":"x"})"));
    BOOST_TEST(std::get<ssehub::publish_route>(none).idempotency_key.empty());
}

BOOST_FIXTURE_TEST_CASE(a_malformed_idempotency_key_is_400_and_publishes_nothing, fixture)
{
    auto const before = events.next_id();
    for (std::string const& bad : {std::string(), std::string("has space"), std::string(129, 'k')}) {
        auto req = publish_request(R"({"data":"x"})");
        req.set("Idempotency-Key", bad);
        auto const res = answer(req);
        BOOST_TEST(res.result_int() == 400);
        BOOST_TEST(res.body().find("Idempotency-Key") != std::string::npos);
    }
    BOOST_TEST(events.next_id() == before);
}

BOOST_FIXTURE_TEST_CASE(an_accepted_publish_waits_for_its_own_last_id, fixture)
{
    auto const req = publish_request(R"([{"data":"x"},{"data":"y"}])");
    // Ids another log could hand out (not consecutive with anything this hub has seen).
    auto answered = routes.answer_publish(req, ssehub::publish_result{std::vector<std::uint64_t>{700, 701}});
    auto const* accepted = std::get_if<ssehub::accepted_publish>(&answered);
    BOOST_REQUIRE_MESSAGE(accepted != nullptr, "expected an accepted_publish");
    BOOST_TEST(accepted->last_id == 701u);
    BOOST_TEST(accepted->res.result_int() == 202u);
    BOOST_TEST(accepted->res.body() == R"({"ids":["700","701"]})");
}

BOOST_FIXTURE_TEST_CASE(a_refused_publish_is_a_plain_response_and_waits_for_nothing, fixture)
{
    auto const req = publish_request(R"({"data":"x"})");
    auto const too_large = routes.answer_publish(req, ssehub::publish_refusal{ssehub::publish_refusal::cause::too_large, "too big"});
    BOOST_REQUIRE(std::holds_alternative<response>(too_large));
    BOOST_TEST(std::get<response>(too_large).result_int() == 413u);
    auto const closed = routes.answer_publish(req, ssehub::publish_refusal{ssehub::publish_refusal::cause::closed, "closing"});
    BOOST_REQUIRE(std::holds_alternative<response>(closed));
    BOOST_TEST(std::get<response>(closed).result_int() == 503u);
    BOOST_TEST(!std::get<response>(closed).keep_alive());
}

BOOST_FIXTURE_TEST_CASE(the_response_version_follows_the_request, fixture)
{
    auto req = make_request(http::verb::get, "/healthz");
    req.version(10);
    auto const res = as_response(routes.route(req));
    BOOST_TEST(res.version() == 10u);
    auto missing = make_request(http::verb::get, "/missing");
    missing.version(10);
    BOOST_TEST(as_response(routes.route(missing)).version() == 10u);
}

BOOST_AUTO_TEST_SUITE_END()
