// server/metrics: Prometheus text exposition of the hub's and the shards' counters.
#include "ssehub/server/metrics.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using ssehub::hub_counters;

namespace {

struct exposition {
    std::map<std::string, double> samples; // metric name (labels dropped) -> value
    std::map<std::string, std::string> types;
    std::set<std::string> helps;
};

// Parses text format 0.0.4 strictly enough to catch a malformed line.
exposition parse(std::string const& text)
{
    BOOST_REQUIRE(!text.empty());
    BOOST_TEST(text.back() == '\n');
    std::regex const help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*)");
    std::regex const type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
    std::regex const sample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*\})? (\S+))");
    exposition out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_match(line, m, help)) {
            BOOST_TEST(out.helps.insert(m[1]).second, "second HELP for " << m[1]);
        } else if (std::regex_match(line, m, type)) {
            BOOST_TEST(!out.types.contains(m[1]), "second TYPE for " << m[1]);
            BOOST_TEST(!out.samples.contains(m[1]), "TYPE after the samples of " << m[1]);
            out.types[m[1]] = m[2];
        } else if (std::regex_match(line, m, sample)) {
            std::string const value = m[4];
            char* end = nullptr;
            double const v = std::strtod(value.c_str(), &end);
            BOOST_TEST((end == value.c_str() + value.size()), "bad value in: " << line);
            out.samples[m[1]] = v;
        } else {
            BOOST_ERROR("not Prometheus text: [" << line << "]");
        }
    }
    return out;
}

double sample(exposition const& e, std::string const& name)
{
    auto it = e.samples.find(name);
    BOOST_REQUIRE_MESSAGE(it != e.samples.end(), "no sample " << name);
    return it->second;
}

// The hub's own counters and two shards', each field set so that a sum is told from a max.
struct two_shards {
    hub_counters hub, a, b;
    std::vector<hub_counters const*> shards{&a, &b};

    two_shards()
    {
        hub.events_published = 11;
        hub.replays = 2;
        hub.replayed_frames = 5;
        hub.resets = 1;
        hub.publish_waits = 6;
        a.subscribers = 2;
        b.subscribers = 5;
        a.subscribers_total = 20;
        b.subscribers_total = 30;
        a.frames_delivered = 3;
        b.frames_delivered = 4;
        a.bytes_written = 1000;
        b.bytes_written = 24;
        a.slow_disconnects = 1;
        b.slow_disconnects = 2;
        b.stalled_disconnects = 3;
        a.lag_disconnects = 4;
        b.lag_disconnects = 1;
        a.queue_high_water_bytes = 100;
        b.queue_high_water_bytes = 60;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(metrics_test)

BOOST_AUTO_TEST_CASE(sum_counters_adds_the_shards_to_the_hub)
{
    two_shards const c;
    auto const t = ssehub::sum_counters(c.hub, c.shards);
    BOOST_TEST(t.subscribers == 7);
    BOOST_TEST(t.subscribers_total == 50u);
    BOOST_TEST(t.published == 11u);
    BOOST_TEST(t.delivered == 7u);
    BOOST_TEST(t.bytes == 1024u);
    BOOST_TEST(t.replays == 2u);
    BOOST_TEST(t.replayed_frames == 5u);
    BOOST_TEST(t.resets == 1u);
    BOOST_TEST(t.slow == 3u);
    BOOST_TEST(t.stalled == 3u);
    BOOST_TEST(t.publish_waits == 6u);
    BOOST_TEST(t.high_water == 100u); // the largest queue seen anywhere, not a sum
}

BOOST_AUTO_TEST_CASE(sum_counters_without_shards_is_the_hub)
{
    hub_counters hub;
    hub.events_published = 4;
    auto const t = ssehub::sum_counters(hub, {});
    BOOST_TEST(t.published == 4u);
    BOOST_TEST(t.delivered == 0u);
}

BOOST_AUTO_TEST_CASE(render_metrics_is_valid_exposition_text)
{
    hub_counters hub, a;
    std::vector<hub_counters const*> const shards{&a};
    auto const text = ssehub::render_metrics({hub, shards, 0, 10, 0.0, "1.2.3"});
    auto const e = parse(text);
    BOOST_TEST(e.samples.size() >= 10u);
    for (auto const& [name, value] : e.samples) {
        BOOST_TEST_CONTEXT("metric " << name)
        {
            BOOST_TEST(name.starts_with("ssehub_"));
            BOOST_TEST(e.helps.contains(name));
            BOOST_REQUIRE(e.types.contains(name));
            if (e.types.at(name) == "counter")
                BOOST_TEST(name.ends_with("_total")); // the Prometheus naming rule for counters
            BOOST_TEST(value >= 0.0);
        }
    }
    BOOST_TEST(text.find("ssehub_build_info{version=\"1.2.3\"} 1\n") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(render_metrics_sums_across_shards)
{
    two_shards const c;
    auto const e = parse(ssehub::render_metrics({c.hub, c.shards, 9, 100, 12.5, "0.1.0"}));
    BOOST_TEST(sample(e, "ssehub_subscribers") == 7.0);
    BOOST_TEST(e.types.at("ssehub_subscribers") == "gauge");
    BOOST_TEST(sample(e, "ssehub_events_published_total") == 11.0);
    BOOST_TEST(sample(e, "ssehub_frames_delivered_total") == 7.0);
    BOOST_TEST(sample(e, "ssehub_bytes_written_total") == 1024.0);
    BOOST_TEST(sample(e, "ssehub_replays_total") == 2.0);
    BOOST_TEST(sample(e, "ssehub_resets_total") == 1.0);
    BOOST_TEST(sample(e, "ssehub_slow_disconnects_total") == 3.0);
    BOOST_TEST(sample(e, "ssehub_lag_disconnects_total") == 5.0);
    BOOST_TEST(e.types.at("ssehub_lag_disconnects_total") == "counter");
    BOOST_TEST(sample(e, "ssehub_queue_high_water_bytes") == 100.0);
    BOOST_TEST(sample(e, "ssehub_publish_waits_total") == 6.0);
    BOOST_TEST(sample(e, "ssehub_open_connections") == 9.0);
    BOOST_TEST(sample(e, "ssehub_max_connections") == 100.0);
    BOOST_TEST(sample(e, "ssehub_uptime_seconds") == 12.5);
    BOOST_TEST(e.types.at("ssehub_open_connections") == "gauge");
    BOOST_TEST(e.types.at("ssehub_events_published_total") == "counter");
}

BOOST_AUTO_TEST_CASE(render_metrics_shows_both_limits_and_their_use)
{
    two_shards const c;
    auto const e = parse(ssehub::render_metrics({c.hub, c.shards, 9, 100, 1.0, "0.1.0", 7, 50}));
    BOOST_TEST(sample(e, "ssehub_open_connections") == 9.0);
    BOOST_TEST(sample(e, "ssehub_max_connections") == 100.0);
    BOOST_TEST(sample(e, "ssehub_open_streams") == 7.0);
    BOOST_TEST(sample(e, "ssehub_max_streams") == 50.0);
    BOOST_TEST(e.types.at("ssehub_open_streams") == "gauge");
    BOOST_TEST(e.types.at("ssehub_max_streams") == "gauge");
}

BOOST_AUTO_TEST_SUITE_END()
