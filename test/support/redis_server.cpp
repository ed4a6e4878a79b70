#include "support/redis_server.hpp"

#include "support/test_client.hpp"

#include <netinet/in.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ssehub::test {
namespace {

constexpr char const* binary = "/usr/bin/redis-server";

std::uint16_t free_port()
{
    int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0
        || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        throw std::runtime_error("no free port for redis-server");
    ::close(fd);
    return ntohs(addr.sin_port);
}

} // namespace

redis_server::redis_server()
{
    if (::access(binary, X_OK) != 0)
        throw std::runtime_error(std::string(binary) + " not found: install redis-server (scripts/install-deps.sh --test)");
    char tmpl[] = "/tmp/ssehub-redis-XXXXXX";
    if (!::mkdtemp(tmpl))
        throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    port_ = free_port();
    start();
}

redis_server::~redis_server()
{
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

void redis_server::start()
{
    std::vector<std::string> args{binary, "--port", std::to_string(port_), "--bind", "127.0.0.1", "--dir", dir_,
                                  "--save", "", "--appendonly", "yes", "--appendfsync", "always",
                                  "--logfile", dir_ + "/redis.log", "--daemonize", "no"};
    pid_ = ::fork();
    if (pid_ == 0) {
        // Dies with the test (even a crashed one), and keeps off the test's output pipe.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        int const null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 1);
        ::dup2(null, 2);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(binary, argv.data());
        ::_exit(127);
    }
    wait_ready(std::chrono::seconds(10));
}

void redis_server::stop()
{
    if (pid_ <= 0)
        return;
    ::kill(pid_, SIGKILL);
    ::kill(pid_, SIGCONT); // a paused one dies too
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

void redis_server::pause()
{
    ::kill(pid_, SIGSTOP);
}

void redis_server::resume()
{
    ::kill(pid_, SIGCONT);
}

void redis_server::wait_ready(std::chrono::milliseconds timeout)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            if (command("PING") == "+PONG")
                return;
        } catch (std::exception const&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("redis-server did not answer PING on port " + std::to_string(port_));
}

std::string redis_server::command(std::string const& line)
{
    connection c(port_);
    c.send(line + "\r\n");
    c.read_until(std::chrono::steady_clock::now() + std::chrono::seconds(3),
                 [](std::string const& got) { return got.find("\r\n") != std::string::npos; });
    auto const& got = c.received();
    auto const end = got.find("\r\n");
    if (end == std::string::npos)
        throw std::runtime_error("no reply from redis-server to " + line);
    return got.substr(0, end);
}

} // namespace ssehub::test
