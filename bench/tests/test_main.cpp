// The Boost.Test main of the load generator's tests.
#define BOOST_TEST_MODULE ssehub_loadgen
#include <boost/test/unit_test.hpp>
