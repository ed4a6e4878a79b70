// http/static_files: files under the root only, revalidated on every request.
#include "ssehub/http/static_files.hpp"

#include <boost/test/unit_test.hpp>

#include "support/local_time_zone.hpp"

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <string_view>

namespace fs = std::filesystem;
using ssehub::http_date;
using ssehub::safe_relative_path;
using ssehub::static_files;
using namespace std::string_literals;

namespace {

void write_file(fs::path const& p, std::string_view content)
{
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
    BOOST_REQUIRE(out.good());
}

// A fresh directory tree per test:
//   <tmp>/root/          the static root
//   <tmp>/outside/       a sibling the root must never reveal
//   <tmp>/root2/         a sibling whose name starts like the root's
struct tree {
    fs::path base;
    fs::path root;

    tree()
    {
        std::string tmpl = (fs::temp_directory_path() / "ssehub-static-XXXXXX").string();
        BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        base = tmpl;
        root = base / "root";
        fs::create_directories(root / "docs");
        fs::create_directories(root / "empty_dir");
        fs::create_directories(base / "outside");
        fs::create_directories(base / "root2");
        write_file(root / "index.html", "<h1>home</h1>");
        write_file(root / "app.js", "console.log(1);\n");
        write_file(root / "docs" / "index.html", "<h1>docs</h1>");
        write_file(root / "docs" / "page.txt", "page");
        write_file(root / "a b.css", "body{}");
        write_file(base / "outside" / "secret.txt", "secret");
        write_file(base / "root2" / "secret.txt", "secret2");
        fs::create_symlink("../outside/secret.txt", root / "link_out");
        fs::create_symlink(base / "outside" / "secret.txt", root / "link_out_absolute");
        fs::create_symlink("../outside", root / "dir_link_out");
        fs::create_symlink("../root2/secret.txt", root / "link_prefix");
        fs::create_symlink("app.js", root / "link_in.js");
    }
    ~tree()
    {
        std::error_code ec;
        fs::remove_all(base, ec);
    }
};

using ssehub::test::local_time_zone;

// A different modification time than the file has now, whole seconds away.
void shift_mtime(fs::path const& p, int seconds)
{
    fs::last_write_time(p, fs::last_write_time(p) + std::chrono::seconds(seconds));
}

} // namespace

BOOST_AUTO_TEST_SUITE(static_files_test)

BOOST_AUTO_TEST_CASE(safe_relative_path_maps_directories_to_index_html)
{
    BOOST_TEST(safe_relative_path("/") == "index.html");
    BOOST_TEST(safe_relative_path("/a/") == "a/index.html");
    BOOST_TEST(safe_relative_path("/a/b/") == "a/b/index.html");
    BOOST_TEST(safe_relative_path("/app.js") == "app.js");
    BOOST_TEST(safe_relative_path("/a/b.txt") == "a/b.txt");
    BOOST_TEST(safe_relative_path("/a%20b.css") == "a b.css");
}

BOOST_AUTO_TEST_CASE(safe_relative_path_refuses_traversal)
{
    for (std::string const& p : {".."s, "/.."s, "/../"s, "%2e%2e"s, "/%2e%2e"s, "/%2E%2E/etc/passwd"s, "/%2e%2e/x"s,
                                 "/a/../b"s, "/a/.."s, "/a%2f..%2fb"s, "/a/%2e%2e/%2e%2e/b"s, "/../../etc/passwd"s,
                                 "/.%2e/x"s})
        BOOST_TEST(safe_relative_path(p) == "", "allowed [" << p << "]");
}

BOOST_AUTO_TEST_CASE(safe_relative_path_refuses_nul_backslash_and_bad_input)
{
    for (std::string const& p : {"/a%00.html"s, "/a\0b"s, "/%00"s, "/a\\..\\b"s, "/a%5cb"s, "/a%5C..%5Cb"s, "\\a"s,
                                 ""s, "a.html"s, "/bad%zz"s,
                                 "/trunc%2"s})
        BOOST_TEST(safe_relative_path(p) == "", "allowed [" << p << "]");
}

BOOST_AUTO_TEST_CASE(find_serves_files_with_type_etag_and_date)
{
    tree t;
    static_files files(t.root);
    auto const js = files.find("/app.js");
    BOOST_REQUIRE(js);
    BOOST_TEST(js->content == "console.log(1);\n");
    BOOST_TEST(js->content_type.starts_with("text/javascript"));
    BOOST_TEST(js->size == js->content.size());
    // A strong entity tag: a quoted string without W/ (RFC 9110).
    BOOST_TEST(js->etag.size() > 2u);
    BOOST_TEST(js->etag.front() == '"');
    BOOST_TEST(js->etag.back() == '"');
    struct stat st {};
    BOOST_REQUIRE(::stat((t.root / "app.js").c_str(), &st) == 0);
    BOOST_TEST(js->last_modified == http_date(st.st_mtim.tv_sec));

    auto const css = files.find("/a%20b.css");
    BOOST_REQUIRE(css);
    BOOST_TEST(css->content == "body{}");
    BOOST_TEST(css->content_type.starts_with("text/css"));
}

BOOST_AUTO_TEST_CASE(find_serves_index_html_for_directories)
{
    tree t;
    static_files files(t.root);
    auto const home = files.find("/");
    BOOST_REQUIRE(home);
    BOOST_TEST(home->content == "<h1>home</h1>");
    BOOST_TEST(home->content_type.starts_with("text/html"));
    auto const docs = files.find("/docs/");
    BOOST_REQUIRE(docs);
    BOOST_TEST(docs->content == "<h1>docs</h1>");
    BOOST_TEST(files.find("/index.html")->content == "<h1>home</h1>");
}

BOOST_AUTO_TEST_CASE(missing_files_and_directories_without_index_are_not_found)
{
    tree t;
    static_files files(t.root);
    BOOST_TEST(!files.find("/missing.txt"));
    BOOST_TEST(!files.find("/docs/missing.txt"));
    BOOST_TEST(!files.find("/empty_dir/"));
    BOOST_TEST(!files.find("/empty_dir"));
    BOOST_TEST(!files.find("/nowhere/"));
}

BOOST_AUTO_TEST_CASE(only_regular_files_are_served)
{
    tree t;
    // Opening a FIFO without a writer would block the server thread: it must not even be opened.
    BOOST_REQUIRE(::mkfifo((t.root / "pipe").c_str(), 0600) == 0);
    static_files files(t.root);
    BOOST_TEST(!files.find("/pipe"));
    BOOST_TEST(!files.find("/docs")); // a directory named without its slash
}

BOOST_AUTO_TEST_CASE(traversal_is_not_found)
{
    tree t;
    static_files files(t.root);
    for (std::string_view p : {"/../outside/secret.txt", "/%2e%2e/outside/secret.txt", "/docs/../../outside/secret.txt",
                               "/..%2foutside%2fsecret.txt", "/../root2/secret.txt"})
        BOOST_TEST(!files.find(p), "served [" << p << "]");
}

BOOST_AUTO_TEST_CASE(symlinks_leaving_the_root_are_not_found)
{
    tree t;
    static_files files(t.root);
    BOOST_TEST(!files.find("/link_out"));
    BOOST_TEST(!files.find("/link_out_absolute"));
    BOOST_TEST(!files.find("/dir_link_out/secret.txt"));
    BOOST_TEST(!files.find("/link_prefix")); // <tmp>/root2 starts like <tmp>/root but is outside it
}

BOOST_AUTO_TEST_CASE(symlinks_inside_the_root_are_served)
{
    tree t;
    static_files files(t.root);
    auto const f = files.find("/link_in.js");
    BOOST_REQUIRE(f);
    BOOST_TEST(f->content == "console.log(1);\n");
}

BOOST_AUTO_TEST_CASE(an_edited_file_is_reloaded_with_a_new_etag)
{
    tree t;
    static_files files(t.root);
    auto const path = t.root / "docs" / "page.txt";
    auto const before = files.find("/docs/page.txt");
    BOOST_REQUIRE(before);
    BOOST_TEST(before->content == "page");
    auto const again = files.find("/docs/page.txt");
    BOOST_REQUIRE(again);
    BOOST_TEST(again->etag == before->etag);

    write_file(path, "page, second version");
    shift_mtime(path, 10);
    auto const after = files.find("/docs/page.txt");
    BOOST_REQUIRE(after);
    BOOST_TEST(after->content == "page, second version");
    BOOST_TEST(after->etag != before->etag);
    BOOST_TEST(after->last_modified != before->last_modified);
    BOOST_TEST(before->content == "page"); // what was handed out earlier is immutable
}

// With a recheck interval, a hit within it is served from memory without looking at the disk;
// the first request after it sees the edit.
BOOST_AUTO_TEST_CASE(within_the_recheck_interval_a_hit_is_not_checked_on_disk_after_it_it_is)
{
    tree t;
    auto const path = t.root / "docs" / "page.txt";
    static_files lazy(t.root, std::chrono::hours(1));
    static_files quick(t.root, std::chrono::milliseconds(1));
    BOOST_REQUIRE(lazy.find("/docs/page.txt"));
    BOOST_REQUIRE(quick.find("/docs/page.txt"));
    write_file(path, "page, second version");
    shift_mtime(path, 10);
    BOOST_TEST(lazy.find("/docs/page.txt")->content == "page");
    std::this_thread::sleep_for(std::chrono::milliseconds(20)); // past quick's interval, whatever the load
    BOOST_TEST(quick.find("/docs/page.txt")->content == "page, second version");
    lazy.clear(); // SIGHUP
    BOOST_TEST(lazy.find("/docs/page.txt")->content == "page, second version");
    std::filesystem::remove(path);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    BOOST_TEST(!quick.find("/docs/page.txt"));
    BOOST_TEST(lazy.find("/docs/page.txt")); // still within its interval: served from memory
}

BOOST_AUTO_TEST_CASE(a_same_size_edit_is_seen_through_the_mtime)
{
    tree t;
    static_files files(t.root);
    auto const path = t.root / "docs" / "page.txt";
    auto const before = files.find("/docs/page.txt");
    BOOST_REQUIRE(before);
    write_file(path, "PAGE");
    shift_mtime(path, 20);
    auto const after = files.find("/docs/page.txt");
    BOOST_REQUIRE(after);
    BOOST_TEST(after->content == "PAGE");
    BOOST_TEST(after->etag != before->etag);
}

BOOST_AUTO_TEST_CASE(clear_drops_the_cache_so_even_an_edit_the_stat_cannot_see_is_served)
{
    tree t;
    static_files files(t.root);
    auto const path = t.root / "docs" / "page.txt";
    BOOST_REQUIRE(files.find("/docs/page.txt"));
    BOOST_REQUIRE(files.find("/app.js"));
    // Same size, same inode, modification time put back (cp -p, rsync -t, coarse timestamps):
    // the per-request check cannot tell.
    auto const mtime = fs::last_write_time(path);
    write_file(path, "PAGE");
    fs::last_write_time(path, mtime);
    BOOST_TEST(files.find("/docs/page.txt")->content == "page");
    BOOST_TEST(files.clear() == 2u);
    BOOST_TEST(files.find("/docs/page.txt")->content == "PAGE");
    BOOST_TEST(files.clear() == 1u);
}

BOOST_AUTO_TEST_CASE(a_file_replaced_by_rename_is_reloaded)
{
    tree t;
    static_files files(t.root);
    auto const path = t.root / "docs" / "page.txt";
    auto const before = files.find("/docs/page.txt");
    BOOST_REQUIRE(before);
    // Same size and same mtime: only the new inode tells the files apart.
    auto const fresh = t.root / "docs" / "page.txt.new";
    write_file(fresh, "PAGE");
    fs::last_write_time(fresh, fs::last_write_time(path));
    fs::rename(fresh, path);
    auto const after = files.find("/docs/page.txt");
    BOOST_REQUIRE(after);
    BOOST_TEST(after->content == "PAGE");
}

BOOST_AUTO_TEST_CASE(a_deleted_file_is_no_longer_found)
{
    tree t;
    static_files files(t.root);
    BOOST_REQUIRE(files.find("/docs/page.txt"));
    fs::remove(t.root / "docs" / "page.txt");
    BOOST_TEST(!files.find("/docs/page.txt"));
}

BOOST_AUTO_TEST_CASE(a_cached_file_replaced_by_an_outward_symlink_is_no_longer_found)
{
    tree t;
    static_files files(t.root);
    auto const path = t.root / "docs" / "page.txt";
    BOOST_REQUIRE(files.find("/docs/page.txt"));
    fs::remove(path);
    fs::create_symlink(t.base / "outside" / "secret.txt", path);
    BOOST_TEST(!files.find("/docs/page.txt"));
}

// Was a bug: static_files::find revalidated a cache hit by lstat() of the *old* resolved path only,
// so when a symlink inside the root is pointed at another file (a deploy swapping
// "assets -> releases/v2/assets"), the old target keeps being served for as long as it exists.
// Fix: a hit is checked by stat() through the request's own path, so a retargeted symlink
// resolves to another inode and the file is loaded again.
BOOST_AUTO_TEST_CASE(a_retargeted_symlink_serves_its_new_target)
{
    tree t;
    static_files files(t.root);
    auto const first = files.find("/link_in.js");
    BOOST_REQUIRE(first);
    BOOST_TEST(first->content == "console.log(1);\n");
    fs::remove(t.root / "link_in.js");
    fs::create_symlink("docs/page.txt", t.root / "link_in.js");
    auto const second = files.find("/link_in.js");
    BOOST_REQUIRE(second);
    BOOST_TEST(second->content == "page");
}

BOOST_AUTO_TEST_CASE(root_is_canonical)
{
    tree t;
    static_files files(t.root / "docs" / "..");
    BOOST_TEST(files.root() == fs::canonical(t.root));
    BOOST_REQUIRE(files.find("/app.js"));
}

BOOST_AUTO_TEST_CASE(http_date_is_an_imf_fixdate)
{
    BOOST_TEST(http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT"); // the example of RFC 9110
    BOOST_TEST(http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
    BOOST_TEST(http_date(951782400) == "Tue, 29 Feb 2000 00:00:00 GMT");
    BOOST_TEST(http_date(1790000000) == "Mon, 21 Sep 2026 14:13:20 GMT");
    std::regex const fixdate(R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT)");
    auto const now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    BOOST_TEST(std::regex_match(http_date(now.count()), fixdate), http_date(now.count()));
}

BOOST_AUTO_TEST_CASE(http_date_does_not_depend_on_the_local_time_zone)
{
    for (char const* tz : {"XYZ-5:30", "ABC+7"}) { // POSIX TZ strings: no tzdata needed
        local_time_zone const zone(tz);
        BOOST_TEST(http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT", "TZ=" << tz);
    }
}

BOOST_AUTO_TEST_CASE(parse_http_date_reads_what_http_date_writes)
{
    for (std::int64_t t : {0LL, 784111777LL, 951782400LL, 1790000000LL, 4102444799LL})
        BOOST_TEST(ssehub::parse_http_date(http_date(t)).value_or(-1) == t, http_date(t));
    for (std::string_view bad : {"", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37 GMT ",
                                 "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 31 Nov 1994 08:49:37 GMT",
                                 "Sun, 06 Nob 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
                                 "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 19x4 08:49:37 GMT",
                                 "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"})
        BOOST_TEST(!ssehub::parse_http_date(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(is_not_modified_follows_rfc_9110_precedence)
{
    ssehub::static_file f;
    f.etag = "\"1a-99\"";
    f.last_modified_s = 784111777;
    f.last_modified = http_date(f.last_modified_s);
    auto const at = f.last_modified;
    auto const later = http_date(f.last_modified_s + 1);
    auto const earlier = http_date(f.last_modified_s - 1);
    BOOST_TEST(!ssehub::is_not_modified(f, "", ""));
    BOOST_TEST(ssehub::is_not_modified(f, "", at));
    BOOST_TEST(ssehub::is_not_modified(f, "", later));
    BOOST_TEST(!ssehub::is_not_modified(f, "", earlier));
    BOOST_TEST(!ssehub::is_not_modified(f, "", "not a date"));
    BOOST_TEST(ssehub::is_not_modified(f, f.etag, ""));
    BOOST_TEST(ssehub::is_not_modified(f, "*", earlier));
    BOOST_TEST(ssehub::is_not_modified(f, f.etag, earlier)); // If-None-Match decides...
    BOOST_TEST(!ssehub::is_not_modified(f, "\"other\"", at)); // ...even against a current date
}

BOOST_AUTO_TEST_SUITE_END()
