#include "ssehub/http/mime_types.hpp"

#include <array>
#include <utility>

namespace ssehub {

std::string_view mime_type(std::string_view path)
{
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 20> types{{
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".webp", "image/webp"},
        {".ico", "image/vnd.microsoft.icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".wasm", "application/wasm"},
        {".map", "application/json"},
        {".xml", "application/xml"},
        {".pdf", "application/pdf"},
    }};
    auto const dot = path.rfind('.');
    if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos)
        return "application/octet-stream";
    auto ext = path.substr(dot);
    for (auto const& [e, type] : types) {
        if (e.size() != ext.size())
            continue;
        bool same = true;
        for (std::size_t i = 0; i < e.size() && same; ++i)
            same = e[i] == (ext[i] >= 'A' && ext[i] <= 'Z' ? ext[i] + 32 : ext[i]);
        if (same)
            return type;
    }
    return "application/octet-stream";
}

} // namespace ssehub
