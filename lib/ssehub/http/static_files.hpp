// The files under the static root, served from memory and revalidated on disk (at most once per
// recheck interval).
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ssehub {

struct static_file {
    std::string content;
    std::string content_type;
    std::string etag;          // strong: size and modification time
    std::string last_modified; // IMF-fixdate
    std::int64_t last_modified_s = 0; // the same, in seconds since the epoch
    // Response heads built once per file version (status line and header lines, without the
    // blank line), so serving the file does not format anything per request.
    std::string head_ok;           // 200 with Content-Length
    std::string head_not_modified; // 304
    std::uintmax_t size = 0;
    std::int64_t mtime_ns = 0;
    std::uint64_t inode = 0;
    std::uint64_t device = 0;
};

// Thread-safe (a shared mutex around the cache map: hits only read it). Never serves a file
// outside the root: ".." segments (also percent-encoded), NUL bytes and symlinks that leave the
// root all miss.
class static_files {
public:
    // recheck: how long a cached file is served before the next request checks it on disk
    // again (one stat through the request's path); 0: on every request. The check costs a
    // path walk in the kernel per request, a large share of serving a small page.
    explicit static_files(std::filesystem::path root, std::chrono::milliseconds recheck = std::chrono::milliseconds{0});

    // `url_path` is the raw path of the request target ("/", "/app.js", "/a%20b.css").
    // nullptr when there is no such file (the caller answers 404).
    std::shared_ptr<static_file const> find(std::string_view url_path);

    std::filesystem::path const& root() const { return root_; }

    // Forgets every cached file (SIGHUP): the next request reads it from disk again, even an
    // edit the per-request check cannot see (same size, inode and modification time). Returns
    // how many were cached.
    std::size_t clear();

private:
    std::shared_ptr<static_file const> load(std::string const& relative);

    struct entry {
        std::shared_ptr<static_file const> file;
        // steady_clock nanoseconds of the last check on disk; written under the shared lock too
        std::atomic<std::int64_t> checked_ns{0};
    };

    std::filesystem::path root_; // canonical
    std::string root_prefix_;    // root_ and a slash: the prefix of every file's path
    std::chrono::nanoseconds recheck_;
    std::shared_mutex mutex_;
    std::unordered_map<std::string, entry> cache_;
};

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::string http_date(std::int64_t unix_seconds);

// The seconds since the epoch of an IMF-fixdate as http_date writes it; nullopt for anything
// else (the obsolete RFC 850 and asctime forms included: a client then gets the file again).
std::optional<std::int64_t> parse_http_date(std::string_view text);

// True when the client's copy of `f` is current (304): If-None-Match names its ETag (or is
// "*"); without If-None-Match, If-Modified-Since is a date at or after its Last-Modified.
// If-None-Match takes precedence when both are sent (RFC 9110 13.1.3).
bool is_not_modified(static_file const& f, std::string_view if_none_match, std::string_view if_modified_since);

// The headers every response for `f` carries (validators, type, caching, security).
std::vector<std::pair<std::string_view, std::string_view>> static_headers(static_file const& f);

// Maps a URL path to a path relative to the root, or "" when it must not be served.
std::string safe_relative_path(std::string_view url_path);

} // namespace ssehub
