#include "options.hpp"

#include "subscriber_stream.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

namespace loadgen {

std::optional<int> read_options(int argc, char const* const* argv, options& o)
{
    CLI::App app{"ssehub_loadgen: opens SSE subscribers on 127.0.0.1, publishes timestamped events over HTTP\n"
                 "and reports connections, deliveries/s, latency percentiles, missed and out-of-order\n"
                 "events, and the server's CPU and memory. Every phase is bounded in time and count."};
    // One value per occurrence: `--url A --url B`, each repeatable flag a list in its order.
    app.add_option("--url", o.subscribe_urls, "SSE stream URL, e.g. http://127.0.0.1:8080/events?topic=bench; "
                   "repeated: the subscribers are dealt out over them in turn")->required()->allow_extra_args(false);
    app.add_option("--publish-url", o.publish_urls, "publish endpoint (POST), e.g. http://127.0.0.1:8080/publish; "
                   "repeated: the publisher connections are dealt out over them in turn")->required()->allow_extra_args(false);
    app.add_option("-n,--subscribers", o.subscribers, "subscriber connections")->check(CLI::Range(0, 1'000'000));
    app.add_option("--threads", o.threads, "subscriber threads (each an epoll loop)")->check(CLI::Range(1, 16));
    app.add_option("--ramp-in-flight", o.ramp_in_flight, "connects pending at once")->check(CLI::Range(1, 100'000));
    app.add_option("--ramp-rate", o.ramp_rate, "connects started per second (0: no limit)")->check(CLI::Range(0.0, 1e7));
    app.add_option("--ramp-timeout", o.ramp_timeout_s, "seconds to connect them all")->check(CLI::Range(0.1, 600.0));
    app.add_option("--settle", o.settle_s, "seconds to wait after connecting before sampling memory")->check(CLI::Range(0.0, 60.0));
    app.add_option("--hold", o.hold_s, "seconds to hold the idle subscribers before publishing")->check(CLI::Range(0.0, 600.0));
    app.add_option("-m,--events", o.events, "events to publish at most")->check(CLI::Range(0, 100'000'000));
    app.add_option("-r,--rate", o.rate, "events per second (0: as fast as answers come)")->check(CLI::Range(0.0, 1e7));
    app.add_option("--duration", o.duration_s, "seconds of publishing at most")->check(CLI::Range(0.0, 600.0));
    app.add_option("--drain", o.drain_s, "seconds to wait for deliveries after the last publish")->check(CLI::Range(0.0, 60.0));
    app.add_option("--publishers", o.publishers, "publisher connections")->check(CLI::Range(std::size_t{1}, max_publishers));
    app.add_option("--publish-window", o.publish_window, "pipelined requests in flight per publisher connection (1: none)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{256}));
    app.add_option("--payload-bytes", o.payload_bytes, "size of each event's JSON payload")->check(CLI::Range(40, 900));
    app.add_option("--publish-body", o.publish_body, "request body; %P stands for the JSON payload");
    app.add_option("-H,--header", o.headers, "extra publish request header, e.g. 'Authorization: Bearer T'");
    app.add_option("--server-pid", o.server_pids, "process whose CPU time and RSS are reported (0: none); repeated: "
                   "summed over all (a cluster's instances and its Redis)")->allow_extra_args(false);
    app.add_option("--label", o.label, "scenario name for the report and CSV");
    app.add_option("--server-name", o.server_name, "server name for the report and CSV");
    app.add_option("--csv", o.csv_path, "append one result row to this CSV file");
    app.add_flag("--expect-no-loss", o.expect_no_loss, "exit 1 unless every subscriber connected and got every event in order");
    app.add_option("--max-seconds", o.max_seconds, "hard bound on the whole run (0: derived from the phases)")->check(CLI::Range(0.0, 3600.0));
    app.add_option("--storm", o.storm, "after the subscribers and before the live events: this many more connect at once, "
                   "each with a Last-Event-ID --storm-replay events back (0: no storm)")->check(CLI::Range(0, 1'000'000));
    app.add_option("--storm-replay", o.storm_replay, "events replayed to each storm client")->check(CLI::Range(1, 100'000));
    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    std::erase(o.server_pids, pid_t{0});
    if (o.storm > 0 && (o.subscribers == 0 || o.publishers >= max_publishers)) {
        std::cerr << "ssehub_loadgen: --storm needs subscribers to see the seed and fewer than " << max_publishers
                  << " publishers (the seed has a publisher number of its own)\n";
        return 2;
    }
    if (o.max_seconds == 0)
        o.max_seconds = o.ramp_timeout_s + o.settle_s + o.hold_s + o.duration_s + o.drain_s + 30
            + (o.storm > 0 ? o.ramp_timeout_s + o.drain_s + 60 : 0);
    return std::nullopt;
}

options parse_options(int argc, char** argv)
{
    options o;
    if (auto const code = read_options(argc, argv, o))
        std::exit(*code);
    return o;
}

} // namespace loadgen
