#include "ssehub/http/request_counters.hpp"

#include <boost/test/unit_test.hpp>

using namespace ssehub;

BOOST_AUTO_TEST_SUITE(request_counters_test)

BOOST_AUTO_TEST_CASE(routes_of_paths)
{
    BOOST_TEST(request_counters::routes[request_counters::route_of("/events")] == "events");
    BOOST_TEST(request_counters::routes[request_counters::route_of("/publish")] == "publish");
    BOOST_TEST(request_counters::routes[request_counters::route_of("/healthz")] == "healthz");
    BOOST_TEST(request_counters::routes[request_counters::route_of("/metrics")] == "metrics");
    BOOST_TEST(request_counters::routes[request_counters::route_of("/")] == "static");
    BOOST_TEST(request_counters::routes[request_counters::route_of("/events/x")] == "static");
    BOOST_TEST(request_counters::routes[request_counters::route_of("")] == "invalid");
}

BOOST_AUTO_TEST_CASE(counts_by_route_and_status)
{
    request_counters c;
    BOOST_TEST(c.render().find("ssehub_http_requests_total{") == std::string::npos); // nothing yet
    c.count(request_counters::route_of("/publish"), 202);
    c.count(request_counters::route_of("/publish"), 202);
    c.count(request_counters::route_of("/publish"), 401);
    c.count(request_counters::route_of("/"), 418); // not in the table: "other"
    auto const text = c.render();
    BOOST_TEST(text.find("# TYPE ssehub_http_requests_total counter\n") != std::string::npos);
    BOOST_TEST(text.find("ssehub_http_requests_total{route=\"publish\",status=\"202\"} 2\n") != std::string::npos);
    BOOST_TEST(text.find("ssehub_http_requests_total{route=\"publish\",status=\"401\"} 1\n") != std::string::npos);
    BOOST_TEST(text.find("ssehub_http_requests_total{route=\"static\",status=\"other\"} 1\n") != std::string::npos);
    BOOST_TEST(text.find("status=\"0\"") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
