#include "ssehub/http/responses.hpp"

#include <boost/beast/http/write.hpp>
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>
#include <vector>

using namespace ssehub;

namespace {

std::string beast_wire_form(response const& res)
{
    std::ostringstream os;
    os << res;
    return os.str();
}

request get(unsigned version = 11, http::verb method = http::verb::get)
{
    request req{method, "/x", version};
    req.set(http::field::host, "x");
    return req;
}

} // namespace

BOOST_AUTO_TEST_SUITE(responses_test)

// append_wire_form stands in for Beast's serializer: every kind of answer the routes build must
// come out byte for byte as Beast would write it.
BOOST_AUTO_TEST_CASE(the_wire_form_is_what_beasts_serializer_writes)
{
    std::vector<response> answers;
    answers.push_back(json_response(get(), http::status::accepted, R"({"ids":["1","2"]})"));
    answers.push_back(error_response(get(10), http::status::not_found, "no such page"));
    answers.push_back(error_response(11, false, http::status::payload_too_large, "body over 64 bytes"));
    answers.push_back(method_not_allowed(get(11, http::verb::put), "GET, HEAD"));
    auto head = json_response(get(11, http::verb::head), http::status::ok, R"({"status":"ok"})");
    drop_body_for_head(http::verb::head, head);
    answers.push_back(head);
    response not_modified{http::status::not_modified, 11};
    not_modified.set(http::field::etag, "\"abc\"");
    answers.push_back(not_modified);
    auto custom = json_response(get(), http::status::service_unavailable, R"({"error":"closed"})");
    custom.reason("Going Away");
    custom.set(http::field::retry_after, "3");
    custom.insert("X-Twice", "a");
    custom.insert("X-Twice", "b");
    answers.push_back(custom);
    response unknown{static_cast<http::status>(299), 11};
    answers.push_back(unknown);
    for (auto const& res : answers) {
        std::string out = "kept:";
        append_wire_form(res, out);
        BOOST_TEST(out == "kept:" + beast_wire_form(res));
    }
}

BOOST_AUTO_TEST_SUITE_END()
