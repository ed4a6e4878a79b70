#include "run_result.hpp"

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <ostream>

namespace loadgen {

double run_result::bytes_per_subscriber() const
{
    if (connected == 0 || rss_connected_kb == 0)
        return 0;
    return static_cast<double>(rss_connected_kb - rss_before_kb) * 1024.0 / static_cast<double>(connected);
}

double run_result::deliveries_per_cpu_s() const
{
    return server_cpu_publish_s > 0 ? static_cast<double>(deliveries) / server_cpu_publish_s : 0;
}

bool run_result::lossless() const
{
    return connected == requested && dropped == 0 && publish_failed == 0 && streams.missed == 0
        && streams.out_of_order == 0;
}

void print_summary(std::ostream& out, run_result const& r)
{
    out << std::fixed << std::setprecision(2);
    out << "== " << r.label << " (" << r.server << ")\n"
        << "subscribers   " << r.connected << " ok, " << r.failed << " failed, " << r.dropped << " dropped of "
        << r.requested << " in " << r.connect_s << " s (" << std::setprecision(0) << r.connect_rate() << "/s)\n"
        << "server memory " << r.rss_before_kb << " kB before, " << r.rss_connected_kb << " kB connected, "
        << r.rss_end_kb << " kB at end: " << r.bytes_per_subscriber() << " B per idle subscriber\n"
        << "publishing    " << r.published << " ok, " << r.publish_failed << " failed, offered "
        << r.offered_rate << "/s, achieved " << r.publish_rate() << "/s\n"
        << "deliveries    " << r.deliveries << " of " << r.expected << " expected, " << r.deliveries_per_s()
        << "/s; " << r.deliveries_per_cpu_s() << " per server CPU-second\n"
        << "latency us    p50 " << r.latency.percentile(0.5) << "  p90 " << r.latency.percentile(0.9) << "  p99 "
        << r.latency.percentile(0.99) << "  max " << r.latency.max() << "\n"
        << "missed        " << r.streams.missed << " (" << r.streams.streams_with_missed
        << " subscribers, at most " << r.streams.max_missed << " each); out of order " << r.streams.out_of_order
        << " (" << r.streams.streams_out_of_order << " subscribers)\n"
        << std::setprecision(2) << "cpu seconds   server " << r.server_cpu_connect_s << " connecting, "
        << r.server_cpu_publish_s << " publishing (" << r.server_sys_publish_s << " in the kernel); load generator " << r.loadgen_cpu_s << " in all\n"
        << "publish rtt us p50 " << r.publish_round_trip.percentile(0.5) << "  p99 " << r.publish_round_trip.percentile(0.99)
        << "  max " << r.publish_round_trip.max() << " (" << r.publish_round_trip.count() << " answered 2xx)\n";
    if (r.server_processes.size() > 1) {
        out << "cpu by process";
        for (auto const& p : r.server_processes)
            out << "  " << p.name << ' ' << p.pid << ": " << p.cpu_s << " (" << p.sys_s << " kernel)";
        out << '\n';
    }
    if (r.storm_clients)
        out << "storm         " << r.storm_connected << " of " << r.storm_clients << " connected in " << r.storm_connect_s
            << " s, " << r.storm_replayed << " replayed in full in " << r.storm_s << " s (" << std::setprecision(0)
            << r.storm_rate() << "/s), " << r.storm_frames << " frames replayed\n" << std::setprecision(2)
            << "storm latency p50 " << r.storm_latency.percentile(0.5) << "  p99 " << r.storm_latency.percentile(0.99)
            << "  max " << r.storm_latency.max() << " us (" << r.storm_latency.count()
            << " deliveries of live events sent during the storm, at the subscribers from before it)\n";
    if (r.foreign_events || r.truncated_events)
        out << "other events  " << r.foreign_events << " without our payload, " << r.truncated_events << " truncated\n";
}

bool append_csv(std::string const& path, run_result const& r)
{
    std::error_code ec;
    bool const fresh = !std::filesystem::exists(path, ec) || std::filesystem::file_size(path, ec) == 0;
    std::ofstream out(path, std::ios::app);
    if (!out)
        return false;
    if (fresh)
        out << "label,server,subscribers,connected,failed,dropped,connect_s,connect_per_s,rss_before_kb,"
               "rss_connected_kb,rss_end_kb,bytes_per_subscriber,offered_rate,published,publish_failed,publish_per_s,"
               "deliveries,expected,deliveries_per_s,p50_us,p90_us,p99_us,max_us,missed,subscribers_missing,"
               "out_of_order,server_cpu_connect_s,server_cpu_publish_s,server_sys_publish_s,deliveries_per_cpu_s,loadgen_cpu_s,"
               "publish_window,storm_clients,storm_connected,storm_replayed,storm_frames,storm_connect_s,storm_s,storm_per_s,"
               "publish_rtt_p50_us,publish_rtt_p99_us,storm_p99_us\n";
    out << std::fixed << std::setprecision(3) << r.label << ',' << r.server << ',' << r.requested << ','
        << r.connected << ',' << r.failed << ',' << r.dropped << ',' << r.connect_s << ',' << r.connect_rate() << ','
        << r.rss_before_kb << ',' << r.rss_connected_kb << ',' << r.rss_end_kb << ',' << r.bytes_per_subscriber()
        << ',' << r.offered_rate << ',' << r.published << ',' << r.publish_failed << ',' << r.publish_rate() << ','
        << r.deliveries << ',' << r.expected << ',' << r.deliveries_per_s() << ',' << r.latency.percentile(0.5) << ','
        << r.latency.percentile(0.9) << ',' << r.latency.percentile(0.99) << ',' << r.latency.max() << ','
        << r.streams.missed << ',' << r.streams.streams_with_missed << ',' << r.streams.out_of_order << ','
        << r.server_cpu_connect_s << ',' << r.server_cpu_publish_s << ',' << r.server_sys_publish_s << ','
        << r.deliveries_per_cpu_s() << ','
        << r.loadgen_cpu_s << ',' << r.publish_window << ',' << r.storm_clients << ',' << r.storm_connected << ','
        << r.storm_replayed << ',' << r.storm_frames << ',' << r.storm_connect_s << ',' << r.storm_s << ','
        << r.storm_rate() << ',' << r.publish_round_trip.percentile(0.5) << ','
        << r.publish_round_trip.percentile(0.99) << ',' << r.storm_latency.percentile(0.99) << '\n';
    return static_cast<bool>(out);
}

} // namespace loadgen
