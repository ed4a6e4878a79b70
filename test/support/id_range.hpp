// The ids first, first + 1, ..., end - 1: what a gap-free run of events is expected to carry.
#pragma once

#include <cstdint>
#include <vector>

namespace ssehub::test {

inline std::vector<std::uint64_t> id_range(std::uint64_t first, std::uint64_t end)
{
    std::vector<std::uint64_t> out;
    for (auto id = first; id < end; ++id)
        out.push_back(id);
    return out;
}

} // namespace ssehub::test
