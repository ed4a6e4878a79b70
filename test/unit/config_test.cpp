// server/config: defaults < JSON file < SSEHUB_* environment < flags; bad values name their key.
#include "ssehub/server/config.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

using ssehub::config;
using ssehub::config_error;
using ssehub::config_key;
using ssehub::config_keys;

namespace {

config_key const& key(std::string_view name)
{
    for (auto const& k : config_keys())
        if (k.name == name)
            return k;
    BOOST_FAIL("no configuration key " << name);
    return config_keys().front();
}

// A key's value in `cfg` as text, so any two configurations compare key by key.
std::string value_of(config const& cfg, config_key const& k)
{
    if (auto const* s = std::get_if<std::string config::*>(&k.field))
        return "\"" + cfg.**s + "\"";
    return std::to_string(cfg.*std::get<std::int64_t config::*>(k.field));
}

std::string read_text(std::string const& path)
{
    std::ifstream in(path, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs `f`, which must throw config_error; returns the message.
template <class F>
std::string config_error_of(F&& f)
{
    try {
        f();
    } catch (config_error const& e) {
        return e.what();
    }
    BOOST_ERROR("no config_error thrown");
    return {};
}

bool is_int_key(config_key const& k)
{
    return std::holds_alternative<std::int64_t config::*>(k.field);
}

} // namespace

BOOST_AUTO_TEST_SUITE(config_test)

BOOST_AUTO_TEST_CASE(defaults)
{
    config const c;
    BOOST_TEST(c.port == 8080);
    BOOST_TEST(c.heartbeat_ms == 15000);
    BOOST_TEST(c.retry_ms == 3000);
    BOOST_TEST(c.bind == "0.0.0.0");
    BOOST_TEST(c.static_root == "static");
    BOOST_TEST(c.io_threads == 0);
    BOOST_TEST(c.publish_token.empty()); // a random one is generated at startup
    BOOST_TEST(c.default_topic == "default");
    BOOST_TEST(c.log_level == "info");
}

BOOST_AUTO_TEST_CASE(keys_are_unique_snake_case_and_defaults_are_in_range)
{
    std::set<std::string_view> names;
    config const defaults;
    for (auto const& k : config_keys()) {
        BOOST_TEST_CONTEXT("key " << k.name)
        {
            BOOST_TEST(names.insert(k.name).second);
            BOOST_TEST(!k.name.empty());
            BOOST_TEST(!k.help.empty());
            for (char c : k.name)
                BOOST_TEST(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'));
            if (is_int_key(k)) {
                auto const v = defaults.*std::get<std::int64_t config::*>(k.field);
                BOOST_TEST(k.min <= v);
                BOOST_TEST(v <= k.max);
            }
        }
    }
    // No two keys share a field: give each a distinct value, then read every one back.
    config c;
    std::int64_t n = 0;
    for (auto const& k : config_keys())
        ssehub::apply_text(c, k, is_int_key(k) ? std::to_string(k.min + n++) : "v" + std::to_string(n++), "test");
    n = 0;
    for (auto const& k : config_keys()) {
        auto const expected = is_int_key(k) ? std::to_string(k.min + n++) : "\"v" + std::to_string(n++) + "\"";
        BOOST_TEST(value_of(c, k) == expected, "key " << k.name);
    }
}

BOOST_AUTO_TEST_CASE(the_shipped_file_names_every_key_at_its_default)
{
    std::string const path = SSEHUB_SOURCE_DIR "/config/ssehub.json";
    auto const text = read_text(path);

    auto const doc = boost::json::parse(text);
    BOOST_REQUIRE(doc.is_object());
    for (auto const& k : config_keys())
        BOOST_TEST(doc.as_object().contains(k.name), "config/ssehub.json lacks " << k.name);

    config from_file;
    from_file.port = 1; // the file must set these back
    from_file.log_level = "off";
    ssehub::apply_json(from_file, text, path);
    config const defaults;
    for (auto const& k : config_keys())
        BOOST_TEST(value_of(from_file, k) == value_of(defaults, k), "key " << k.name);
}

BOOST_AUTO_TEST_CASE(apply_json_sets_the_named_keys_only)
{
    config c;
    ssehub::apply_json(c, R"({"port": 9090, "bind": "127.0.0.1", "heartbeat_ms": 500, "_comment": "ignored",
                              "_port": "also ignored"})", "test");
    BOOST_TEST(c.port == 9090);
    BOOST_TEST(c.bind == "127.0.0.1");
    BOOST_TEST(c.heartbeat_ms == 500);
    config const defaults;
    for (auto const& k : config_keys())
        if (k.name != "port" && k.name != "bind" && k.name != "heartbeat_ms")
            BOOST_TEST(value_of(c, k) == value_of(defaults, k), "key " << k.name);
}

BOOST_AUTO_TEST_CASE(apply_json_refuses_what_is_not_a_json_object)
{
    config c;
    for (std::string_view text : {"", "{", "[1]", "42", "\"x\"", "{\"port\": }", "null"})
        BOOST_CHECK_THROW(ssehub::apply_json(c, text, "test"), config_error);
}

BOOST_AUTO_TEST_CASE(an_unknown_key_is_an_error_naming_it)
{
    config c;
    auto const msg = config_error_of([&] { ssehub::apply_json(c, R"({"prot": 8080})", "file.json"); });
    BOOST_TEST(msg.find("prot") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(a_wrong_type_is_an_error_naming_the_key)
{
    for (std::string_view text : {R"({"port": "8080"})", R"({"port": 80.5})", R"({"port": true})", R"({"port": null})",
                                  R"({"port": [8080]})"}) {
        config c;
        auto const msg = config_error_of([&] { ssehub::apply_json(c, text, "test"); });
        BOOST_TEST(msg.find("port") != std::string::npos, text << " -> " << msg);
        BOOST_TEST(c.port == 8080);
    }
    for (std::string_view text : {R"({"bind": 5})", R"({"bind": null})", R"({"bind": {}})"}) {
        config c;
        auto const msg = config_error_of([&] { ssehub::apply_json(c, text, "test"); });
        BOOST_TEST(msg.find("bind") != std::string::npos, text << " -> " << msg);
    }
}

BOOST_AUTO_TEST_CASE(an_out_of_range_port_is_an_error_naming_it)
{
    for (std::string_view text : {R"({"port": 70000})", R"({"port": 65536})", R"({"port": -1})",
                                  R"({"port": 18446744073709551615})", R"({"port": -9223372036854775808})"}) {
        config c;
        auto const msg = config_error_of([&] { ssehub::apply_json(c, text, "test"); });
        BOOST_TEST(msg.find("port") != std::string::npos, text << " -> " << msg);
    }
    config c;
    ssehub::apply_json(c, R"({"port": 65535})", "test");
    BOOST_TEST(c.port == 65535);
    ssehub::apply_json(c, R"({"port": 0})", "test"); // 0 picks a free port
    BOOST_TEST(c.port == 0);
}

// Was a bug: 0 was accepted for these, giving clients retry: 0 (reconnect at once, forever)
// and a server that refuses every publish body.
BOOST_AUTO_TEST_CASE(values_that_make_no_sense_are_errors_naming_the_key)
{
    for (std::string_view name : {"retry_ms", "overload_retry_ms", "max_body_bytes"}) {
        for (std::string_view value : {"0", "1", "10"}) {
            config c;
            auto const msg = config_error_of([&] { ssehub::apply_text(c, key(name), std::string(value), "test"); });
            BOOST_TEST(msg.find(name) != std::string::npos, name << "=" << value << " -> " << msg);
        }
    }
    config c;
    ssehub::apply_text(c, key("retry_ms"), "100", "test");
    ssehub::apply_text(c, key("overload_retry_ms"), "1000", "test"); // Retry-After counts whole seconds
    ssehub::apply_text(c, key("max_body_bytes"), "64", "test");    // room for the smallest publish
    BOOST_TEST(c.retry_ms == 100);
    BOOST_TEST(c.overload_retry_ms == 1000);
    BOOST_TEST(c.max_body_bytes == 64);
}

BOOST_AUTO_TEST_CASE(every_integer_key_refuses_values_outside_its_range)
{
    for (auto const& k : config_keys()) {
        if (!is_int_key(k))
            continue;
        BOOST_TEST_CONTEXT("key " << k.name)
        {
            config c;
            ssehub::apply_text(c, k, std::to_string(k.min), "test");
            BOOST_TEST(value_of(c, k) == std::to_string(k.min));
            ssehub::apply_text(c, k, std::to_string(k.max), "test");
            BOOST_TEST(value_of(c, k) == std::to_string(k.max));
            if (k.min > INT64_MIN) {
                auto const msg = config_error_of([&] { ssehub::apply_text(c, k, std::to_string(k.min - 1), "test"); });
                BOOST_TEST(msg.find(k.name) != std::string::npos, msg);
            }
            if (k.max < INT64_MAX) {
                auto const msg = config_error_of([&] { ssehub::apply_text(c, k, std::to_string(k.max + 1), "test"); });
                BOOST_TEST(msg.find(k.name) != std::string::npos, msg);
            }
            auto const msg = config_error_of([&] { ssehub::apply_json(c, "{\"" + std::string(k.name) + "\": \"1\"}", "test"); });
            BOOST_TEST(msg.find(k.name) != std::string::npos, msg);
        }
    }
}

BOOST_AUTO_TEST_CASE(apply_text_parses_integers_strictly)
{
    config c;
    ssehub::apply_text(c, key("port"), "9090", "flag --port");
    BOOST_TEST(c.port == 9090);
    for (std::string_view text : {"", "abc", "80x", " 80", "80 ", "8080.0", "0x50", "+80", "1e3",
                                  "99999999999999999999999"}) {
        auto const msg = config_error_of([&] { ssehub::apply_text(c, key("port"), text, "flag --port"); });
        BOOST_TEST(msg.find("port") != std::string::npos, "[" << text << "] -> " << msg);
        BOOST_TEST(c.port == 9090, "[" << text << "] changed the port");
    }
    ssehub::apply_text(c, key("publish_token"), "any text at all", "flag");
    BOOST_TEST(c.publish_token == "any text at all");
}

BOOST_AUTO_TEST_CASE(apply_env_reads_ssehub_variables)
{
    config c;
    std::map<std::string, std::string> const env{
        {"SSEHUB_PORT", "9000"},     {"SSEHUB_LOG_LEVEL", "debug"}, {"SSEHUB_STATIC_ROOT", "/srv/www"},
        {"SSEHUB_MAX_BODY_BYTES", "2048"}, {"PATH", "/usr/bin"},     {"HOME", "/root"},
        {"SSEHUB_CONFIG", "/etc/ssehub.json"}, // names the file, not a key
    };
    ssehub::apply_env(c, env);
    BOOST_TEST(c.port == 9000);
    BOOST_TEST(c.log_level == "debug");
    BOOST_TEST(c.static_root == "/srv/www");
    BOOST_TEST(c.max_body_bytes == 2048);
    BOOST_TEST(c.heartbeat_ms == 15000);
}

BOOST_AUTO_TEST_CASE(apply_env_reaches_every_key)
{
    for (auto const& k : config_keys()) {
        config c;
        auto const text = is_int_key(k) ? std::to_string(k.min == 0 ? 1 : k.min) : std::string("value");
        ssehub::apply_env(c, {{ssehub::env_name(k), text}});
        auto const expected = is_int_key(k) ? text : "\"" + text + "\"";
        BOOST_TEST(value_of(c, k) == expected, "key " << k.name);
    }
}

// Was a bug: any unknown SSEHUB_* variable stopped startup, and Kubernetes injects
// SSEHUB_SERVICE_HOST, SSEHUB_PORT_8080_TCP_ADDR... into every pod of a namespace with a
// Service named ssehub: the server crash-looped.
BOOST_AUTO_TEST_CASE(apply_env_returns_unknown_ssehub_variables_instead_of_refusing_them)
{
    config c;
    std::map<std::string, std::string> const env{
        {"SSEHUB_SERVICE_HOST", "10.0.0.1"},          {"SSEHUB_SERVICE_PORT", "8080"},
        {"SSEHUB_PORT_8080_TCP", "tcp://10.0.0.1:8080"}, {"SSEHUB_PORT_8080_TCP_ADDR", "10.0.0.1"},
        {"SSEHUB_PORT_8080_TCP_PORT", "8080"},        {"SSEHUB_PORT_8080_TCP_PROTO", "tcp"},
        {"SSEHUB_HEARTBEAT_MS", "2500"},              {"OTHER_PORT", "tcp://10.0.0.2:80"},
    };
    auto const unknown = ssehub::apply_env(c, env);
    std::vector<std::string> const expected{"SSEHUB_PORT_8080_TCP", "SSEHUB_PORT_8080_TCP_ADDR", "SSEHUB_PORT_8080_TCP_PORT",
                                            "SSEHUB_PORT_8080_TCP_PROTO", "SSEHUB_SERVICE_HOST", "SSEHUB_SERVICE_PORT"};
    BOOST_TEST(unknown == expected, boost::test_tools::per_element());
    BOOST_TEST(c.heartbeat_ms == 2500); // the known one still applies
    BOOST_TEST(c.port == 8080);
    BOOST_TEST(ssehub::apply_env(c, {{"SSEHUB_PORT", "9000"}}).empty());
}

BOOST_AUTO_TEST_CASE(a_service_link_in_a_known_variable_is_an_error_naming_cause_and_remedy)
{
    config c;
    auto const msg = config_error_of([&] { ssehub::apply_env(c, {{"SSEHUB_PORT", "tcp://10.0.0.1:8080"}}); });
    BOOST_TEST(msg.find("SSEHUB_PORT") != std::string::npos, msg);
    BOOST_TEST(msg.find("service link") != std::string::npos, msg);
    BOOST_TEST(msg.find("Service named ssehub") != std::string::npos, msg);
    BOOST_TEST(msg.find("enableServiceLinks: false") != std::string::npos, msg);
    // The same shape in a string key is a link too (Docker links set <NAME>_PORT-like values).
    auto const bind = config_error_of([&] { ssehub::apply_env(c, {{"SSEHUB_BIND", "udp://172.17.0.2:53"}}); });
    BOOST_TEST(bind.find("service link") != std::string::npos, bind);
    // A value that merely starts like one is applied as given.
    ssehub::apply_env(c, {{"SSEHUB_STATIC_ROOT", "tcp://not-a-link"}});
    BOOST_TEST(c.static_root == "tcp://not-a-link");
}

BOOST_AUTO_TEST_CASE(apply_env_refuses_non_integer_text_naming_the_key)
{
    for (std::string_view text : {"abc", "", "12ms", "1.5"}) {
        config c;
        auto const msg = config_error_of([&] { ssehub::apply_env(c, {{"SSEHUB_HEARTBEAT_MS", std::string(text)}}); });
        BOOST_TEST(msg.find("heartbeat_ms") != std::string::npos, "[" << text << "] -> " << msg);
    }
    config c;
    auto const msg = config_error_of([&] { ssehub::apply_env(c, {{"SSEHUB_PORT", "70000"}}); });
    BOOST_TEST(msg.find("port") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(file_then_env_then_flags_each_override)
{
    config c;
    ssehub::apply_json(c, R"({"port": 1000, "heartbeat_ms": 2000, "retry_ms": 3001, "log_level": "warn"})", "file");
    ssehub::apply_env(c, {{"SSEHUB_PORT", "2000"}, {"SSEHUB_HEARTBEAT_MS", "2500"}});
    ssehub::apply_text(c, key("port"), "3000", "flag --port");
    BOOST_TEST(c.port == 3000);         // flag over env over file
    BOOST_TEST(c.heartbeat_ms == 2500); // env over file
    BOOST_TEST(c.retry_ms == 3001);     // file over default
    BOOST_TEST(c.log_level == "warn");
    BOOST_TEST(c.ring_events == config{}.ring_events); // default kept
}

BOOST_AUTO_TEST_CASE(flag_and_env_names)
{
    BOOST_TEST(ssehub::flag_name(key("max_body_bytes")) == "max-body-bytes");
    BOOST_TEST(ssehub::env_name(key("max_body_bytes")) == "SSEHUB_MAX_BODY_BYTES");
    BOOST_TEST(ssehub::flag_name(key("port")) == "port");
    BOOST_TEST(ssehub::env_name(key("port")) == "SSEHUB_PORT");
    for (auto const& k : config_keys()) {
        auto const flag = ssehub::flag_name(k);
        auto const env = ssehub::env_name(k);
        BOOST_TEST(flag.find('_') == std::string::npos, flag);
        BOOST_TEST(flag.size() == k.name.size());
        std::string upper = "SSEHUB_";
        for (char ch : k.name)
            upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        BOOST_TEST(env == upper);
    }
}

BOOST_AUTO_TEST_CASE(validate_accepts_a_good_configuration)
{
    config c;
    c.static_root = SSEHUB_SOURCE_DIR "/static";
    BOOST_CHECK_NO_THROW(ssehub::validate(c));
    for (std::string const level : {"trace", "debug", "info", "warn", "error", "off"}) {
        c.log_level = level;
        BOOST_CHECK_NO_THROW(ssehub::validate(c));
    }
}

BOOST_AUTO_TEST_CASE(validate_refuses_a_missing_static_root)
{
    config c;
    c.static_root = SSEHUB_SOURCE_DIR "/no-such-directory-here";
    auto const msg = config_error_of([&] { ssehub::validate(c); });
    BOOST_TEST(msg.find("static_root") != std::string::npos, msg);
    c.static_root = SSEHUB_SOURCE_DIR "/CMakeLists.txt"; // a file, not a directory
    BOOST_CHECK_THROW(ssehub::validate(c), config_error);
}

BOOST_AUTO_TEST_CASE(validate_refuses_a_bad_log_level)
{
    config c;
    c.static_root = SSEHUB_SOURCE_DIR "/static";
    for (std::string const level : {"verbose", "INFO", "", "warning"}) {
        c.log_level = level;
        auto const msg = config_error_of([&] { ssehub::validate(c); });
        BOOST_TEST(msg.find("log_level") != std::string::npos, "[" << level << "] -> " << msg);
    }
}

BOOST_AUTO_TEST_SUITE_END()
