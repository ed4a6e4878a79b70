// Publish authorization: "Authorization: Bearer <token>", compared in constant time.
#pragma once

#include <string>
#include <string_view>

namespace ssehub {

// True when `authorization` is "Bearer " followed by exactly `token`. The comparison takes the
// same time wherever the first difference is, so the token cannot be guessed byte by byte.
bool bearer_matches(std::string_view authorization, std::string_view token);

// 32 random bytes as 64 hex characters, from the OS random source.
std::string generate_token();

} // namespace ssehub
