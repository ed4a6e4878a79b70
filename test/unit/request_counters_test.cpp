#include "ssehub/http/request_counters.hpp"

#include <boost/test/unit_test.hpp>

using namespace ssehub;

BOOST_AUTO_TEST_SUITE(request_counters_test)

BOOST_AUTO_TEST_CASE(counts_by_route_and_status)
{
    request_counters c;
    BOOST_TEST(c.render().find("ssehub_http_requests_total{") == std::string::npos); // nothing yet
    c.count(route_id::publish, 202);
    c.count(route_id::publish, 202);
    c.count(route_id::publish, 401);
    c.count(route_id::static_file, 418); // not in the table: "other"
    auto const text = c.render();
    BOOST_TEST(text.find("# TYPE ssehub_http_requests_total counter\n") != std::string::npos);
    BOOST_TEST(text.find("ssehub_http_requests_total{route=\"publish\",status=\"202\"} 2\n") != std::string::npos);
    BOOST_TEST(text.find("ssehub_http_requests_total{route=\"publish\",status=\"401\"} 1\n") != std::string::npos);
    BOOST_TEST(text.find("ssehub_http_requests_total{route=\"static\",status=\"other\"} 1\n") != std::string::npos);
    BOOST_TEST(text.find("status=\"0\"") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_route_has_its_own_counter_and_label)
{
    request_counters c;
    for (auto const& r : route_table)
        c.count(r.id, 200);
    auto const text = c.render();
    for (auto const label : {"static", "events", "publish", "healthz", "metrics", "invalid"})
        BOOST_TEST(text.find("ssehub_http_requests_total{route=\"" + std::string(label) + "\",status=\"200\"} 1\n") != std::string::npos, label);
}

BOOST_AUTO_TEST_SUITE_END()
