#include "options.hpp"

#include <boost/test/unit_test.hpp>

#include <array>
#include <vector>

namespace {

loadgen::options parse(std::vector<char const*> args)
{
    args.insert(args.begin(), "ssehub_loadgen");
    return loadgen::parse_options(static_cast<int>(args.size()), const_cast<char**>(args.data()));
}

} // namespace

BOOST_AUTO_TEST_SUITE(options_test)

BOOST_AUTO_TEST_CASE(repeated_urls_and_server_pids_are_all_kept_in_order)
{
    auto const o = parse({"--url", "http://127.0.0.1:1/events", "--url", "http://127.0.0.1:2/events", "--publish-url",
                          "http://127.0.0.1:1/publish", "--publish-url", "http://127.0.0.1:2/publish", "--server-pid",
                          "11", "--server-pid", "12", "--server-pid", "13", "-n", "10"});
    BOOST_TEST(o.subscribe_urls == (std::vector<std::string>{"http://127.0.0.1:1/events", "http://127.0.0.1:2/events"}),
               boost::test_tools::per_element());
    BOOST_TEST(o.publish_urls == (std::vector<std::string>{"http://127.0.0.1:1/publish", "http://127.0.0.1:2/publish"}),
               boost::test_tools::per_element());
    BOOST_TEST(o.server_pids == (std::vector<pid_t>{11, 12, 13}), boost::test_tools::per_element());
    BOOST_TEST(o.subscribers == 10u);
}

BOOST_AUTO_TEST_CASE(one_url_and_server_pid_zero_mean_what_they_meant_before)
{
    auto const o = parse({"--url", "http://127.0.0.1:1/e", "--publish-url", "http://127.0.0.1:1/p", "--server-pid", "0"});
    BOOST_TEST(o.subscribe_urls.size() == 1u);
    BOOST_TEST(o.publish_urls.size() == 1u);
    BOOST_TEST(o.server_pids.empty()); // 0: no process measured
}

BOOST_AUTO_TEST_SUITE_END()
