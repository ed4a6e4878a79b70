// listener: which accept errors pause the accept loop and which end it (and the server).
#include "ssehub/http/listener.hpp"

#include <boost/test/unit_test.hpp>

#include <cerrno>

using namespace ssehub;

namespace {
boost::system::error_code sys(int e) { return {e, boost::system::system_category()}; }
} // namespace

BOOST_AUTO_TEST_SUITE(listener_test)

BOOST_AUTO_TEST_CASE(running_out_of_descriptors_or_memory_is_transient)
{
    for (int e : {EMFILE, ENFILE, ENOBUFS, ENOMEM})
        BOOST_TEST(accept_error_is_transient(sys(e)), e);
}

BOOST_AUTO_TEST_CASE(a_network_error_the_connection_brought_along_is_transient)
{
    for (int e : {ECONNABORTED, EPROTO, ENETDOWN, EHOSTUNREACH, ENETUNREACH, EPERM})
        BOOST_TEST(accept_error_is_transient(sys(e)), e);
}

BOOST_AUTO_TEST_CASE(a_broken_listening_socket_is_fatal)
{
    for (int e : {EBADF, EINVAL, ENOTSOCK, EFAULT})
        BOOST_TEST(!accept_error_is_transient(sys(e)), e);
}

BOOST_AUTO_TEST_SUITE_END()
