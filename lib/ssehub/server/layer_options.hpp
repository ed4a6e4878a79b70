// The configuration turned into each layer's own option struct: the layers below server/ never
// see `config`, only what they need of it.
#pragma once

#include "ssehub/backplane/backplane_options.hpp"
#include "ssehub/delivery/hub_shard.hpp"
#include "ssehub/http/http_options.hpp"
#include "ssehub/hub/hub.hpp"
#include "ssehub/server/config.hpp"

#include <cstdint>

namespace ssehub {

hub_options hub_options_of(config const& cfg, std::uint64_t first_id);
delivery_options delivery_options_of(config const& cfg);
backplane_options backplane_options_of(config const& cfg); // cfg.redis_url must be valid (validate())
http_options http_options_of(config const& cfg); // cfg.publish_token must be the effective one

} // namespace ssehub
