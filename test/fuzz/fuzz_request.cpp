// Fuzz target: raw bytes as an HTTP request through Beast's parser and the router (static
// files, publish validation, stream routing). Nothing may crash, and no static file outside
// the root may ever be served.
#include "ssehub/http/router.hpp"
#include "ssehub/hub/hub.hpp"
#include "ssehub/hub/memory_event_log.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstdint>
#include <cstdlib>
#include <optional>

namespace {

struct fixture {
    ssehub::http_options options;
    ssehub::static_files files;
    ssehub::hub events;
    ssehub::memory_event_log log;
    ssehub::router routes;

    fixture()
        : options(make_options())
        , files(SSEHUB_SOURCE_DIR "/static")
        , events(ssehub::hub_options{64, 1 << 16, 1000})
        , log(events)
        , routes(ssehub::router_context{options, files, [] { return std::string("m 1\n"); }})
    {
    }

    static ssehub::http_options make_options()
    {
        ssehub::http_options c;
        c.publish_token = "fuzz-token";
        c.subscriber_secret = (std::getenv("FUZZ_WITH_SECRET") != nullptr) ? "sub" : "";
        c.cors_origins = "https://a.example";
        return c;
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    static fixture f;
    namespace http = boost::beast::http;
    http::request_parser<http::string_body> parser;
    parser.header_limit(8192);
    parser.body_limit(1 << 16);
    parser.eager(true);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(data, size), ec);
    if (ec || !parser.is_done())
        return 0;
    auto routed = f.routes.route(parser.get());
    if (auto* publish = std::get_if<ssehub::publish_route>(&routed)) {
        // What the session does with a valid publish: append through the log, then answer.
        std::optional<ssehub::publish_result> result;
        f.log.append(std::move(publish->drafts), ssehub::on_appended([&](ssehub::publish_result r) { result = std::move(r); }));
        if (!result) // the memory log completes inside append()
            std::abort();
        (void)f.routes.answer_publish(parser.get(), *result);
        return 0;
    }
    if (auto const* res = std::get_if<ssehub::response>(&routed)) {
        // Whatever was asked, a 200 for a file must be one of ours: the page's text never
        // contains the content of files outside static/ such as /etc/passwd.
        if (res->result() == http::status::ok && res->body().find("root:x:0:0") != std::string::npos)
            std::abort();
    }
    return 0;
}
