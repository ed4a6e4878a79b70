// server/capacity: max_streams follows the open-file limit, max_connections leaves room above
// it for everything that is not a stream, and limits the files cannot hold are warned about.
#include "ssehub/server/capacity.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include <string>

using ssehub::plan_capacity;
using ssehub::reserved_files;

namespace {

bool mentions(std::vector<std::string> const& warnings, std::string const& text)
{
    for (auto const& w : warnings)
        if (w.find(text) != std::string::npos)
            return true;
    return false;
}

} // namespace

BOOST_AUTO_TEST_SUITE(capacity_test)

BOOST_AUTO_TEST_CASE(derived_limits_fit_the_file_limit_with_room_above_the_streams)
{
    for (std::uint64_t files : {256u, 1024u, 20000u, 1048576u}) {
        BOOST_TEST_CONTEXT("open files " << files)
        {
            auto const plan = plan_capacity(0, 0, files);
            BOOST_TEST(plan.warnings.empty());
            BOOST_TEST(plan.max_connections + static_cast<std::int64_t>(reserved_files) <= static_cast<std::int64_t>(files));
            // With every stream place taken, at least 64 connections are left for the rest.
            BOOST_TEST(plan.max_connections - plan.max_streams >= 64);
            BOOST_TEST(plan.max_streams >= static_cast<std::int64_t>(files) / 2);
        }
    }
    auto const plan = plan_capacity(0, 0, 20000);
    BOOST_TEST(plan.max_streams == 20000 - 64 - 1024);
    BOOST_TEST(plan.max_connections == 20000 - 64);
}

// Was a bug: with max_connections reached by event streams, /healthz, /metrics and /publish all
// got 503 (the defaults: 10 000 subscribers and one publisher already exceeded the limit).
BOOST_AUTO_TEST_CASE(an_unlimited_file_limit_still_gives_finite_defaults)
{
    auto const plan = plan_capacity(0, 0, RLIM_INFINITY);
    BOOST_TEST(plan.max_connections == 10'000'000);
    BOOST_TEST(plan.max_streams == 10'000'000 - 1024);
    BOOST_TEST(plan.warnings.empty());
}

BOOST_AUTO_TEST_CASE(a_configured_stream_limit_gets_connections_above_it_by_default)
{
    auto const small = plan_capacity(5, 0, 20000);
    BOOST_TEST(small.max_streams == 5);
    BOOST_TEST(small.max_connections == 5 + 64);
    auto const big = plan_capacity(10000, 0, 20000);
    BOOST_TEST(big.max_connections == 10000 + 1024);
    BOOST_TEST(big.warnings.empty());
}

BOOST_AUTO_TEST_CASE(a_configured_connection_limit_is_kept_and_streams_still_follow_the_files)
{
    auto const plan = plan_capacity(0, 3, 20000);
    BOOST_TEST(plan.max_connections == 3);
    BOOST_TEST(plan.max_streams == 20000 - 64 - 1024);
    BOOST_TEST(plan.warnings.empty());
}

BOOST_AUTO_TEST_CASE(limits_the_file_limit_cannot_hold_are_a_warning_naming_the_remedy)
{
    auto const plan = plan_capacity(5000, 0, 1024);
    BOOST_TEST(plan.max_streams == 5000); // kept: the operator may raise the limit later
    BOOST_REQUIRE(plan.warnings.size() == 1u);
    BOOST_TEST(mentions(plan.warnings, "open-file limit is 1024"), plan.warnings[0]);
    BOOST_TEST(mentions(plan.warnings, "ulimit"), plan.warnings[0]);
    BOOST_TEST(mentions(plan.warnings, "LimitNOFILE"), plan.warnings[0]);
    BOOST_TEST(mentions(plan_capacity(0, 5000, 1024).warnings, "max_connections 5000"));
}

BOOST_AUTO_TEST_CASE(streams_not_below_connections_are_a_warning)
{
    auto const plan = plan_capacity(100, 100, 20000);
    BOOST_TEST(mentions(plan.warnings, "health checks"));
    BOOST_TEST(plan_capacity(100, 200, 20000).warnings.empty());
}

BOOST_AUTO_TEST_CASE(raising_the_file_limit_reaches_the_hard_limit)
{
    rlimit rl{};
    BOOST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &rl) == 0);
    auto const original = rl;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max > 512) {
        rlimit lowered{512, rl.rlim_max};
        BOOST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
    }
    auto const got = ssehub::raise_open_file_limit();
    BOOST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &rl) == 0);
    BOOST_TEST(got.soft == rl.rlim_cur);
    if (original.rlim_max != RLIM_INFINITY) {
        BOOST_TEST(got.soft == original.rlim_max);
        BOOST_TEST(got.before == std::min<std::uint64_t>(512, original.rlim_max));
    }
    ::setrlimit(RLIMIT_NOFILE, &original);
}

BOOST_AUTO_TEST_SUITE_END()
