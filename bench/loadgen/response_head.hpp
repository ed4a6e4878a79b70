// An incremental reader of an HTTP/1.x response head: the status code and what says where the
// body ends (Content-Length, chunked, or the connection closing). Allocation-free.
#pragma once

#include "fixed_text.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace loadgen {

class response_head {
public:
    // Consumes bytes up to the end of the head and returns how many; complete() tells whether
    // the head has ended (the rest of `bytes` is body). Returns nullopt on a malformed head.
    std::optional<std::size_t> feed(std::string_view bytes);

    bool complete() const { return complete_; }
    int status() const { return status_; }
    bool chunked() const { return chunked_; }
    std::optional<std::uint64_t> content_length() const { return content_length_; }
    bool keep_alive() const { return keep_alive_; }

    void reset() { *this = response_head{}; }

private:
    bool line(std::string_view l);

    fixed_text<256> partial_; // header lines longer than this keep their first 256 bytes
    std::optional<std::uint64_t> content_length_;
    int status_ = 0;
    bool chunked_ = false;
    bool keep_alive_ = true;
    bool complete_ = false;
};

} // namespace loadgen
