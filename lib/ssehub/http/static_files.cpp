#include "ssehub/http/static_files.hpp"

#include "ssehub/http/mime_types.hpp"
#include "ssehub/http/url.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>

namespace ssehub {
namespace fs = std::filesystem;

namespace {

bool same_file(static_file const& f, struct stat const& st)
{
    return static_cast<std::uintmax_t>(st.st_size) == f.size && st.st_ino == f.inode && st.st_dev == f.device
        && st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec == f.mtime_ns;
}

} // namespace

std::string http_date(std::int64_t unix_seconds)
{
    std::time_t const t = unix_seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    auto const n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return std::string(buf, n);
}

std::optional<std::int64_t> parse_http_date(std::string_view text)
{
    // "Sun, 06 Nov 1994 08:49:37 GMT": every field at a fixed place.
    static constexpr std::string_view days = "SunMonTueWedThuFriSat";
    static constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' || text[16] != ' '
        || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
        return std::nullopt;
    auto const day_name = days.find(text.substr(0, 3));
    auto const month_at = months.find(text.substr(8, 3));
    if (day_name == std::string_view::npos || day_name % 3 != 0 || month_at == std::string_view::npos || month_at % 3 != 0)
        return std::nullopt;
    auto const number = [&](std::size_t at, std::size_t len) -> int {
        int v = 0;
        for (auto c : text.substr(at, len)) {
            if (c < '0' || c > '9')
                return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    };
    int const day = number(5, 2), year = number(12, 4), hour = number(17, 2), minute = number(20, 2), second = number(23, 2);
    std::chrono::year_month_day const date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month_at / 3 + 1)},
                                           std::chrono::day{static_cast<unsigned>(std::max(day, 0))}};
    if (day < 1 || year < 0 || !date.ok() || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
        return std::nullopt;
    auto const days_since_epoch = std::chrono::sys_days(date).time_since_epoch().count();
    return std::int64_t{days_since_epoch} * 86400 + hour * 3600 + minute * 60 + second;
}

bool is_not_modified(static_file const& f, std::string_view if_none_match, std::string_view if_modified_since)
{
    if (!if_none_match.empty())
        return if_none_match == "*" || if_none_match.find(f.etag) != std::string_view::npos;
    auto const since = parse_http_date(if_modified_since);
    return since && *since >= f.last_modified_s;
}

std::vector<std::pair<std::string_view, std::string_view>> static_headers(static_file const& f)
{
    return {
        {"ETag", f.etag},
        {"Last-Modified", f.last_modified},
        {"Cache-Control", "no-cache"},
        {"Content-Type", f.content_type},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"X-Frame-Options", "DENY"},
        {"Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"},
    };
}

std::string safe_relative_path(std::string_view url_path)
{
    auto decoded = percent_decode(url_path, false);
    if (!decoded || decoded->empty() || decoded->front() != '/')
        return {};
    std::string out;
    std::string_view rest = *decoded;
    while (!rest.empty()) {
        auto const slash = rest.find('/');
        auto const seg = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        if (seg.empty() || seg == ".")
            continue;
        if (seg == ".." || seg.find('\0') != std::string_view::npos || seg.find('\\') != std::string_view::npos)
            return {};
        if (!out.empty())
            out += '/';
        out += seg;
    }
    // A directory (or the root itself) means its index.html; no listings are ever produced.
    if (out.empty() || decoded->back() == '/')
        out += out.empty() ? "index.html" : "/index.html";
    return out;
}

static_files::static_files(fs::path root, std::chrono::milliseconds recheck)
    : root_(fs::canonical(root))
    , root_prefix_(root_.string() + "/")
    , recheck_(recheck)
{
}

std::shared_ptr<static_file const> static_files::find(std::string_view url_path)
{
    auto const relative = safe_relative_path(url_path);
    if (relative.empty())
        return nullptr;
    auto const now = std::chrono::steady_clock::now().time_since_epoch().count();
    {
        std::shared_lock lock(mutex_);
        auto it = cache_.find(relative);
        if (it != cache_.end()) {
            auto& e = it->second;
            if (now - e.checked_ns.load(std::memory_order_relaxed) < recheck_.count())
                return e.file;
            // One stat through the request's own path: an edited or replaced file, or a
            // symlink on the way now pointing elsewhere, resolves to another inode (or size or
            // time) and is loaded again, with the full inside-the-root check.
            struct stat st {};
            if (::stat((root_prefix_ + relative).c_str(), &st) == 0 && S_ISREG(st.st_mode) && same_file(*e.file, st)) {
                e.checked_ns.store(now, std::memory_order_relaxed);
                return e.file;
            }
        }
    }
    auto file = load(relative);
    std::lock_guard lock(mutex_);
    if (!file) {
        cache_.erase(relative);
        return nullptr;
    }
    auto& e = cache_[relative];
    e.file = file;
    e.checked_ns.store(now, std::memory_order_relaxed);
    return file;
}

std::size_t static_files::clear()
{
    std::lock_guard lock(mutex_);
    auto const n = cache_.size();
    cache_.clear();
    return n;
}

std::shared_ptr<static_file const> static_files::load(std::string const& relative)
{
    std::error_code ec;
    auto const real = fs::canonical(root_ / relative, ec);
    if (ec)
        return nullptr;
    // The resolved path must still be inside the root: symlinks may not lead out of it.
    auto const [root_end, _] = std::mismatch(root_.begin(), root_.end(), real.begin(), real.end());
    if (root_end != root_.end())
        return nullptr;
    struct stat st {};
    if (::stat(real.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return nullptr;
    std::ifstream in(real, std::ios::binary);
    if (!in)
        return nullptr;
    std::ostringstream content;
    content << in.rdbuf();

    auto f = std::make_shared<static_file>();
    f->content = std::move(content).str();
    f->content_type = std::string(mime_type(relative));
    f->size = static_cast<std::uintmax_t>(st.st_size);
    f->inode = st.st_ino;
    f->device = st.st_dev;
    f->mtime_ns = st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec;
    std::ostringstream etag;
    etag << '"' << std::hex << f->size << '-' << f->mtime_ns << '"';
    f->etag = etag.str();
    f->last_modified_s = st.st_mtim.tv_sec;
    f->last_modified = http_date(f->last_modified_s);
    if (f->content.size() != f->size)
        return nullptr; // changed while being read: the next request tries again
    std::string headers;
    for (auto const& [name, value] : static_headers(*f))
        headers.append(name).append(": ").append(value).append("\r\n");
    f->head_ok = "HTTP/1.1 200 OK\r\n" + headers + "Content-Length: " + std::to_string(f->content.size()) + "\r\n";
    f->head_not_modified = "HTTP/1.1 304 Not Modified\r\n" + headers;
    return f;
}

} // namespace ssehub
