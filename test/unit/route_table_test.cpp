#include "ssehub/http/route_table.hpp"

#include <boost/test/unit_test.hpp>

#include <ostream>

namespace ssehub {
std::ostream& operator<<(std::ostream& out, route_id r) { return out << label_of(r); } // for BOOST_TEST
} // namespace ssehub

using namespace ssehub;

BOOST_AUTO_TEST_SUITE(route_table_test)

BOOST_AUTO_TEST_CASE(api_paths_map_to_their_routes_exactly)
{
    BOOST_TEST(route_of("/events") == route_id::events);
    BOOST_TEST(route_of("/publish") == route_id::publish);
    BOOST_TEST(route_of("/healthz") == route_id::healthz);
    BOOST_TEST(route_of("/metrics") == route_id::metrics);
    BOOST_TEST(route_of("/events/x") == route_id::static_file);
    BOOST_TEST(route_of("/Events") == route_id::static_file);
    BOOST_TEST(route_of("/") == route_id::static_file);
    BOOST_TEST(route_of("/app.js") == route_id::static_file);
}

BOOST_AUTO_TEST_CASE(a_request_without_a_path_is_invalid)
{
    BOOST_TEST(route_of("") == route_id::invalid);
}

BOOST_AUTO_TEST_CASE(labels_are_the_metric_labels)
{
    BOOST_TEST(label_of(route_id::static_file) == "static");
    BOOST_TEST(label_of(route_id::events) == "events");
    BOOST_TEST(label_of(route_id::publish) == "publish");
    BOOST_TEST(label_of(route_id::healthz) == "healthz");
    BOOST_TEST(label_of(route_id::metrics) == "metrics");
    BOOST_TEST(label_of(route_id::invalid) == "invalid");
    for (auto const& r : route_table)
        if (!r.path.empty())
            BOOST_TEST(route_of(r.path) == r.id, r.path);
}

BOOST_AUTO_TEST_SUITE_END()
