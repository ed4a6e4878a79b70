// ssehub_loadgen: a bounded SSE load run against a server on 127.0.0.1 (see bench/README in
// docs/BENCHMARKS.md). Exit codes: 0 done, 1 --expect-no-loss and something was lost,
// 2 bad command line, 3 the hard time bound fired.
#include "fd_limit.hpp"
#include "load_run.hpp"
#include "options.hpp"

#include <csignal>
#include <cmath>
#include <iostream>
#include <unistd.h>

namespace {

void on_alarm(int)
{
    constexpr char msg[] = "ssehub_loadgen: hard time bound reached, exiting\n";
    [[maybe_unused]] auto const n = write(STDERR_FILENO, msg, sizeof msg - 1);
    _exit(3);
}

} // namespace

int main(int argc, char** argv)
{
    auto o = loadgen::parse_options(argc, argv);
    auto const subscribe = loadgen::parse_targets(o.subscribe_urls);
    auto const publish = loadgen::parse_targets(o.publish_urls);
    if (!subscribe || !publish)
        return 2;

    // Whatever happens, this process ends by itself.
    std::signal(SIGALRM, on_alarm);
    alarm(static_cast<unsigned>(std::ceil(o.max_seconds)));

    auto const fits = loadgen::raise_fd_limit(o.publishers + 2 * o.threads + 17);
    if (o.storm > 0 && o.subscribers + o.storm > fits) {
        std::cerr << "ssehub_loadgen: " << o.storm << " storm clients exceed the open-file limit; opening "
                  << (fits > o.subscribers ? fits - o.subscribers : 0) << '\n';
        o.storm = fits > o.subscribers ? fits - o.subscribers : 0;
    }
    if (o.subscribers > fits) {
        std::cerr << "ssehub_loadgen: " << o.subscribers << " subscribers exceed the open-file limit (room for " << fits
                  << "); opening " << fits << '\n';
        o.subscribers = fits;
    }

    auto const result = loadgen::run_load(o, *subscribe, *publish);
    loadgen::print_summary(std::cout, result);
    if (!o.csv_path.empty() && !loadgen::append_csv(o.csv_path, result))
        std::cerr << "ssehub_loadgen: cannot write " << o.csv_path << '\n';
    if (o.expect_no_loss && !result.lossless()) {
        std::cerr << "ssehub_loadgen: events or subscribers were lost\n";
        return 1;
    }
    return 0;
}
