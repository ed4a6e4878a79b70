#include "ssehub/delivery/write_now.hpp"

#include <cerrno>
#include <memory>

#include <sys/socket.h>

namespace ssehub::detail {
namespace {

// EINTR is retried; a full send buffer is 0 with no error; anything else sets `ec`.
template <class Send>
std::size_t sent(Send send, boost::system::error_code& ec)
{
    auto w = send();
    while (w < 0 && errno == EINTR)
        w = send();
    if (w >= 0)
        return static_cast<std::size_t>(w);
    if (errno != EAGAIN && errno != EWOULDBLOCK)
        ec.assign(errno, boost::system::system_category());
    return 0;
}

} // namespace

std::size_t send_some(int fd, void const* data, std::size_t bytes, boost::system::error_code& ec)
{
    return sent([&] { return ::send(fd, data, bytes, MSG_NOSIGNAL); }, ec);
}

std::size_t send_some(int fd, iovec const* buffers, std::size_t count, boost::system::error_code& ec)
{
    msghdr msg{};
    msg.msg_iov = const_cast<iovec*>(buffers); // sendmsg only reads them
    msg.msg_iovlen = count;
    return sent([&] { return ::sendmsg(fd, &msg, MSG_NOSIGNAL); }, ec);
}

char* flat_block()
{
    // One per thread that writes (each io thread), allocated on its first long write; only the
    // pages a write touches become resident.
    thread_local auto const block = std::make_unique_for_overwrite<char[]>(flat_bytes);
    return block.get();
}

} // namespace ssehub::detail
