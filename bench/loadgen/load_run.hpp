// One bounded run: connect the subscribers (ramp), let them settle, optionally hold them idle,
// publish, wait for the deliveries to drain, and sample the server between phases.
#pragma once

#include "options.hpp"
#include "run_result.hpp"
#include "target.hpp"

#include <vector>

namespace loadgen {

// subscribe, publish: the servers, parsed from o's URLs in order (at least one each).
run_result run_load(options const& o, std::vector<target> const& subscribe, std::vector<target> const& publish);

} // namespace loadgen
