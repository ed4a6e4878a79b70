// http/mime_types: Content-Type from the extension of the last path segment.
#include "ssehub/http/mime_types.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>

using ssehub::mime_type;

namespace {

std::string media_type(std::string_view path)
{
    auto const t = mime_type(path);
    return std::string(t.substr(0, t.find(';')));
}

} // namespace

BOOST_AUTO_TEST_SUITE(mime_types_test)

BOOST_AUTO_TEST_CASE(common_extensions)
{
    BOOST_TEST(media_type("/index.html") == "text/html");
    BOOST_TEST(media_type("/old.htm") == "text/html");
    BOOST_TEST(media_type("/style.css") == "text/css");
    BOOST_TEST(media_type("/app.js") == "text/javascript"); // RFC 9239
    BOOST_TEST(media_type("/mod.mjs") == "text/javascript");
    BOOST_TEST(media_type("/data.json") == "application/json");
    BOOST_TEST(media_type("/notes.txt") == "text/plain");
    BOOST_TEST(media_type("/logo.svg") == "image/svg+xml");
    BOOST_TEST(media_type("/logo.png") == "image/png");
    BOOST_TEST(media_type("/photo.jpg") == "image/jpeg");
    BOOST_TEST(media_type("/photo.jpeg") == "image/jpeg");
    BOOST_TEST(media_type("/anim.gif") == "image/gif");
    BOOST_TEST(media_type("/pic.webp") == "image/webp");
    BOOST_TEST(media_type("/favicon.ico").starts_with("image/"));
    BOOST_TEST(media_type("/font.woff2") == "font/woff2");
    BOOST_TEST(media_type("/font.woff") == "font/woff");
    BOOST_TEST(media_type("/code.wasm") == "application/wasm");
}

BOOST_AUTO_TEST_CASE(text_types_carry_utf8_and_binary_types_do_not)
{
    for (std::string_view p : {"/a.html", "/a.css", "/a.js", "/a.txt"})
        BOOST_TEST(mime_type(p).find("charset=utf-8") != std::string_view::npos, p);
    for (std::string_view p : {"/a.png", "/a.jpg", "/a.woff2", "/a.wasm", "/x.bin"})
        BOOST_TEST(mime_type(p).find("charset") == std::string_view::npos, p);
}

BOOST_AUTO_TEST_CASE(extensions_are_case_insensitive)
{
    BOOST_TEST(mime_type("/INDEX.HTML") == mime_type("/index.html"));
    BOOST_TEST(mime_type("/a.Js") == mime_type("/a.js"));
    BOOST_TEST(mime_type("/A.PNG") == mime_type("/a.png"));
    BOOST_TEST(mime_type("/x.CsS") == mime_type("/x.css"));
}

BOOST_AUTO_TEST_CASE(unknown_or_missing_extension_is_octet_stream)
{
    for (std::string_view p : {"/file.xyz", "/noext", "/", "", "/file.", "/.", "/a.html.gz", "/a.xhtml", "/ahtml",
                               "/a.jsx", "/a.j", "/archive.tar"})
        BOOST_TEST(mime_type(p) == "application/octet-stream", "[" << p << "]");
}

BOOST_AUTO_TEST_CASE(a_dot_in_a_directory_is_not_an_extension)
{
    BOOST_TEST(mime_type("/v1.2/readme") == "application/octet-stream");
    BOOST_TEST(mime_type("/a.html/file") == "application/octet-stream");
    BOOST_TEST(mime_type("/a.html/") == "application/octet-stream");
    BOOST_TEST(media_type("/dir.d/app.js") == "text/javascript");
    BOOST_TEST(media_type("relative/page.html") == "text/html");
}

BOOST_AUTO_TEST_SUITE_END()
