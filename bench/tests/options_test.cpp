#include "options.hpp"

#include <boost/test/unit_test.hpp>

#include <initializer_list>
#include <string>
#include <vector>

namespace {

// read_options over a command line given as words (the program name comes first).
std::optional<int> read(std::initializer_list<char const*> words, loadgen::options& o)
{
    std::vector<char const*> argv{"ssehub_loadgen"};
    argv.insert(argv.end(), words);
    return loadgen::read_options(static_cast<int>(argv.size()), argv.data(), o);
}

} // namespace

BOOST_AUTO_TEST_SUITE(options_test)

BOOST_AUTO_TEST_CASE(a_single_url_and_pid_read_as_before)
{
    loadgen::options o;
    BOOST_TEST(!read({"--url", "http://127.0.0.1:1/events", "--publish-url", "http://127.0.0.1:1/publish",
                      "--server-pid", "42", "-H", "A: 1", "-H", "B: 2"}, o));
    BOOST_TEST(o.subscribe_urls == std::vector<std::string>{"http://127.0.0.1:1/events"});
    BOOST_TEST(o.publish_urls == std::vector<std::string>{"http://127.0.0.1:1/publish"});
    BOOST_TEST(o.server_pids == std::vector<pid_t>{42});
    BOOST_TEST(o.headers == (std::vector<std::string>{"A: 1", "B: 2"}));
}

BOOST_AUTO_TEST_CASE(repeated_flags_keep_every_value_in_order)
{
    loadgen::options o;
    BOOST_TEST(!read({"--url", "http://127.0.0.1:1/e", "--publish-url", "http://127.0.0.1:1/p", "--url",
                      "http://127.0.0.1:2/e", "--publish-url", "http://127.0.0.1:2/p", "--server-pid", "10",
                      "--server-pid", "11", "--server-pid", "12"}, o));
    BOOST_TEST(o.subscribe_urls == (std::vector<std::string>{"http://127.0.0.1:1/e", "http://127.0.0.1:2/e"}));
    BOOST_TEST(o.publish_urls == (std::vector<std::string>{"http://127.0.0.1:1/p", "http://127.0.0.1:2/p"}));
    BOOST_TEST(o.server_pids == (std::vector<pid_t>{10, 11, 12}));
}

// compare.sh passes --server-pid 0 when it has no process to watch.
BOOST_AUTO_TEST_CASE(server_pid_0_means_none)
{
    loadgen::options o;
    BOOST_TEST(!read({"--url", "http://127.0.0.1:1/e", "--publish-url", "http://127.0.0.1:1/p", "--server-pid", "0"}, o));
    BOOST_TEST(o.server_pids.empty());
}

// One value per occurrence: a second word after --url is not taken as a second URL.
BOOST_AUTO_TEST_CASE(a_flag_takes_one_value_and_the_urls_are_required)
{
    loadgen::options o;
    BOOST_TEST(read({"--url", "http://127.0.0.1:1/e", "http://127.0.0.1:2/e", "--publish-url", "http://127.0.0.1:1/p"}, o)
                   .value_or(0) == 2);
    loadgen::options p;
    BOOST_TEST(read({"--url", "http://127.0.0.1:1/e"}, p).value_or(0) == 2);
}

BOOST_AUTO_TEST_SUITE_END()
