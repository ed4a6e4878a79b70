// The one Boost.Test main for each test executable.
#define BOOST_TEST_MODULE ssehub
#include <boost/test/unit_test.hpp>
