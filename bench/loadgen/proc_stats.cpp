#include "proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace loadgen {
namespace {

struct cpu_times {
    double user;
    double system;
};

std::optional<cpu_times> cpu_of(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(in, text))
        return std::nullopt;
    // The command name may hold spaces and parentheses: fields count from the last ')'.
    auto const close = text.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream fields(text.substr(close + 2));
    std::string skip;
    for (int i = 3; i < 14; ++i) // state (3) .. cmajflt (13)
        fields >> skip;
    unsigned long long utime = 0, stime = 0;
    if (!(fields >> utime >> stime))
        return std::nullopt;
    auto const tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    return cpu_times{static_cast<double>(utime) / tick, static_cast<double>(stime) / tick};
}

std::optional<long> rss_of(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with("VmRSS:"))
            return std::stol(line.substr(6));
    return std::nullopt;
}

} // namespace

std::optional<proc_sample> sample_process(pid_t pid)
{
    auto const cpu = cpu_of(pid);
    auto const rss = rss_of(pid);
    if (!cpu || !rss)
        return std::nullopt;
    return proc_sample{cpu->user + cpu->system, cpu->system, *rss};
}

std::optional<std::vector<proc_sample>> sample_processes(std::vector<pid_t> const& pids)
{
    std::vector<proc_sample> out;
    for (auto const pid : pids) {
        auto const s = sample_process(pid);
        if (!s)
            return std::nullopt;
        out.push_back(*s);
    }
    return out;
}

proc_sample total(std::vector<proc_sample> const& samples)
{
    proc_sample sum;
    for (auto const& s : samples) {
        sum.cpu_seconds += s.cpu_seconds;
        sum.system_seconds += s.system_seconds;
        sum.rss_kb += s.rss_kb;
    }
    return sum;
}

std::string process_name(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(in, name);
    return name;
}

double own_cpu_seconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto const seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(u.ru_utime) + seconds(u.ru_stime);
}

} // namespace loadgen
