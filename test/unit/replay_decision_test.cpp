// hub/replay_decision: where a resume is served from (ring / the log / not yet here / lost),
// from positions alone.
#include "ssehub/hub/replay_decision.hpp"

#include <boost/test/unit_test.hpp>

using ssehub::decide_replay;
using ssehub::replay_position;
using ssehub::replay_source;

namespace {

// The ring holds [1000, 1100); the log (when there is one) holds from 500 up to 1200.
replay_position redis(std::uint64_t floor = 500, std::uint64_t top = 1200)
{
    return replay_position{1000, 1100, true, floor, top};
}

replay_position memory() { return replay_position{1000, 1100}; }

} // namespace

BOOST_AUTO_TEST_SUITE(replay_decision_test)

BOOST_AUTO_TEST_CASE(an_id_whose_successor_is_in_the_ring_replays_from_the_ring)
{
    for (auto p : {memory(), redis()}) {
        BOOST_TEST((decide_replay(999, p) == replay_source::ring));  // everything from 1000
        BOOST_TEST((decide_replay(1050, p) == replay_source::ring));
        BOOST_TEST((decide_replay(1099, p) == replay_source::ring)); // up to date: nothing to replay
    }
}

BOOST_AUTO_TEST_CASE(without_a_log_anything_outside_the_ring_is_lost)
{
    BOOST_TEST((decide_replay(998, memory()) == replay_source::lost));
    BOOST_TEST((decide_replay(1100, memory()) == replay_source::lost));
    BOOST_TEST((decide_replay(std::nullopt, memory()) == replay_source::lost));
}

BOOST_AUTO_TEST_CASE(older_than_the_ring_but_in_the_logs_epoch_is_read_from_the_log)
{
    BOOST_TEST((decide_replay(998, redis()) == replay_source::log));
    BOOST_TEST((decide_replay(499, redis()) == replay_source::log)); // wants 500, the floor
    BOOST_TEST((decide_replay(0, redis(0)) == replay_source::log));  // floor unknown: the read checks
}

BOOST_AUTO_TEST_CASE(below_the_logs_epoch_is_lost_at_once)
{
    BOOST_TEST((decide_replay(498, redis()) == replay_source::lost));
    BOOST_TEST((decide_replay(1, redis()) == replay_source::lost));
}

BOOST_AUTO_TEST_CASE(an_id_the_log_has_but_this_instance_has_not_read_waits_for_the_tailer)
{
    BOOST_TEST((decide_replay(1100, redis()) == replay_source::wait));
    BOOST_TEST((decide_replay(1200, redis()) == replay_source::wait));
}

BOOST_AUTO_TEST_CASE(beyond_the_known_top_the_log_is_asked_not_guessed)
{
    BOOST_TEST((decide_replay(1201, redis()) == replay_source::check_top));
    BOOST_TEST((decide_replay(UINT64_MAX, redis()) == replay_source::check_top));
}

BOOST_AUTO_TEST_CASE(an_unparseable_id_is_lost_even_with_a_log)
{
    BOOST_TEST((decide_replay(std::nullopt, redis()) == replay_source::lost));
}

BOOST_AUTO_TEST_CASE(an_empty_ring_replays_nothing_to_a_client_that_is_up_to_date)
{
    replay_position const p{1100, 1100, true, 500, 1099};
    BOOST_TEST((decide_replay(1099, p) == replay_source::ring));
    BOOST_TEST((decide_replay(1098, p) == replay_source::log));
}

BOOST_AUTO_TEST_SUITE_END()
