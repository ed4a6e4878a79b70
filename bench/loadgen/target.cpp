#include "target.hpp"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <iostream>

namespace loadgen {

std::optional<target> parse_target(std::string const& url)
{
    constexpr std::string_view scheme = "http://";
    std::string_view rest(url);
    if (!rest.starts_with(scheme)) {
        std::cerr << "loadgen: only http:// URLs are supported: " << url << '\n';
        return std::nullopt;
    }
    rest.remove_prefix(scheme.size());
    auto const slash = rest.find('/');
    auto const authority = rest.substr(0, slash);
    target t;
    t.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    auto const colon = authority.rfind(':');
    auto const host = authority.substr(0, colon);
    unsigned port = 80;
    if (colon != std::string_view::npos) {
        auto const digits = authority.substr(colon + 1);
        auto const [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (ec != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535) {
            std::cerr << "loadgen: bad port in " << url << '\n';
            return std::nullopt;
        }
    }
    if (host != "127.0.0.1" && host != "localhost") {
        std::cerr << "loadgen: refusing target host '" << host << "': only 127.0.0.1 is allowed\n";
        return std::nullopt;
    }
    t.address.sin_family = AF_INET;
    t.address.sin_port = htons(static_cast<std::uint16_t>(port));
    t.address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    t.host_header = "127.0.0.1:" + std::to_string(port);
    return t;
}

std::optional<std::vector<target>> parse_targets(std::vector<std::string> const& urls)
{
    std::vector<target> out;
    for (auto const& url : urls) {
        auto t = parse_target(url);
        if (!t)
            return std::nullopt;
        out.push_back(std::move(*t));
    }
    return out;
}

int start_connect(target const& t)
{
    int const fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int const one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    linger const abort_on_close{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
    if (connect(fd, reinterpret_cast<sockaddr const*>(&t.address), sizeof t.address) != 0 && errno != EINPROGRESS) {
        int const saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int connect_result(int fd)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        return errno;
    return err;
}

} // namespace loadgen
