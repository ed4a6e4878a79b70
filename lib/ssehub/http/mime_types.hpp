// Content-Type of a static file from its extension.
#pragma once

#include <string_view>

namespace ssehub {

// "application/octet-stream" for an unknown extension; text types carry charset=utf-8.
std::string_view mime_type(std::string_view path);

} // namespace ssehub
