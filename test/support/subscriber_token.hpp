// Mints subscriber tokens for the tests: the server only verifies them
// (ssehub/http/subscriber_auth.hpp), whoever runs it signs them with their own tools.
#pragma once

#include <string>
#include <string_view>

namespace ssehub::test {

// An HS256 JWT over `claims_json` (a JSON object text) signed with `secret`.
std::string sign_subscriber_token(std::string_view claims_json, std::string_view secret);

} // namespace ssehub::test
