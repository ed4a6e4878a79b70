// backplane/redis_url: redis://[user:password@]host:port[/db] and unix:///path, never
// echoing the password.
#include "ssehub/backplane/redis_url.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <variant>

using ssehub::parse_redis_url;
using ssehub::redis_url;

namespace {

redis_url ok(std::string_view text)
{
    auto r = parse_redis_url(text);
    BOOST_REQUIRE_MESSAGE(std::holds_alternative<redis_url>(r), std::string(text) << ": " << (r.index() == 1 ? std::get<std::string>(r) : ""));
    return std::get<redis_url>(r);
}

std::string bad(std::string_view text)
{
    auto r = parse_redis_url(text);
    BOOST_REQUIRE_MESSAGE(std::holds_alternative<std::string>(r), std::string(text) << " parsed");
    return std::get<std::string>(r);
}

} // namespace

BOOST_AUTO_TEST_SUITE(redis_url_test)

BOOST_AUTO_TEST_CASE(host_and_port)
{
    auto const u = ok("redis://127.0.0.1:6380");
    BOOST_TEST(u.host == "127.0.0.1");
    BOOST_TEST(u.port == 6380);
    BOOST_TEST(u.db == 0);
    BOOST_TEST(u.password.empty());
    BOOST_TEST(ok("redis://cache").port == 6379); // the default port
}

BOOST_AUTO_TEST_CASE(credentials_and_database)
{
    auto const u = ok("redis://app:s3cr@t@redis.internal:6379/2");
    BOOST_TEST(u.user == "app");
    BOOST_TEST(u.password == "s3cr@t"); // up to the last @
    BOOST_TEST(u.host == "redis.internal");
    BOOST_TEST(u.db == 2);
    auto const p = ok("redis://:only-password@h:1");
    BOOST_TEST(p.user.empty());
    BOOST_TEST(p.password == "only-password");
}

BOOST_AUTO_TEST_CASE(bracketed_ipv6)
{
    auto const u = ok("redis://[::1]:7000");
    BOOST_TEST(u.host == "::1");
    BOOST_TEST(u.port == 7000);
}

BOOST_AUTO_TEST_CASE(unix_socket)
{
    auto const u = ok("unix:///run/redis/redis.sock");
    BOOST_TEST(u.socket_path == "/run/redis/redis.sock");
    BOOST_TEST(u.host.empty());
    bad("unix://relative.sock");
}

BOOST_AUTO_TEST_CASE(redacted_never_shows_the_password)
{
    auto const u = ok("redis://app:hunter2@h:6379/3");
    BOOST_TEST(u.redacted() == "redis://app:***@h:6379/3");
    BOOST_TEST(u.redacted().find("hunter2") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_urls_say_why_without_the_password)
{
    BOOST_TEST(bad("http://h:1").find("redis://") != std::string::npos);
    BOOST_TEST(bad("redis://:pw@").find("no host") != std::string::npos);
    BOOST_TEST(bad("redis://h:0").find("port") != std::string::npos);
    BOOST_TEST(bad("redis://h:70000").find("port") != std::string::npos);
    BOOST_TEST(bad("redis://h:6379/x").find("database") != std::string::npos);
    BOOST_TEST(bad("redis://user:topsecret@h:99999").find("topsecret") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
