// The bytes of one publish: a keep-alive POST whose body is a template with the payload put
// in place of %P, e.g. {"topic":"bench","data":%P} for ssehub or plain %P for nchan.
// Built into a caller's buffer: no allocation per event.
#pragma once

#include "payload.hpp"
#include "target.hpp"

#include <span>
#include <string>
#include <vector>

namespace loadgen {

class publish_request {
public:
    // `headers`: extra "Name: value" lines (Authorization, Content-Type).
    publish_request(std::string const& path, std::string const& host, std::vector<std::string> const& headers,
                    std::string const& body_template, std::size_t payload_bytes);

    // Writes the request into out and returns its size (0 when out is too small).
    std::size_t build(std::span<char> out, payload_fields const& f) const;

private:
    std::string head_;        // up to "Content-Length: "
    std::string body_prefix_; // the template before %P
    std::string body_suffix_; // and after it
    std::size_t payload_bytes_;
};

// A server to publish to and the request made for it (its path and Host header).
struct publish_endpoint {
    target where;
    publish_request request;
};

std::vector<publish_endpoint> make_publish_endpoints(std::vector<target> const& servers,
                                                     std::vector<std::string> const& headers,
                                                     std::string const& body_template, std::size_t payload_bytes);

} // namespace loadgen
