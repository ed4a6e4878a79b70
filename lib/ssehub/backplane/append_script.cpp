#include "ssehub/backplane/append_script.hpp"

#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#include <charconv>

namespace ssehub {
namespace {

// KEYS: stream, last-id, epoch, idempotency key (P:idempotency:<key>, unused without one).
// ARGV: MAXLEN, highest id seen, how long to remember the idempotency key in seconds (0: no
// key), then topic, event, data per event. A remembered key answers with its batch's first id
// and appends nothing. Lua numbers are doubles: exact below 2^53 (ids near the clock in microseconds are
// about 2^51), and formatted with %.0f, never tostring (which would write 1.7e+15).
constexpr std::string_view script = R"lua(
if ARGV[3] ~= '0' then
  local prior = redis.call('GET', KEYS[4])
  if prior then return {prior, 0} end
end
local last = redis.call('GET', KEYS[2])
last = last and tonumber(last)
local top = 0
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #newest > 0 then top = tonumber(string.match(newest[1][1], '^%d+')) end
local seen = tonumber(ARGV[2])
local epoch = false
if not last or last < top or last < seen then
  local t = redis.call('TIME')
  last = math.max(tonumber(t[1]) * 1000000 + tonumber(t[2]), seen, top)
  epoch = redis.call('INCR', KEYS[3])
end
local n = (#ARGV - 3) / 3
for i = 0, n - 1 do
  local id = string.format('%.0f', last + 1 + i) .. '-0'
  local a = 4 + 3 * i
  if i == 0 and epoch then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], id, 'topic', ARGV[a], 'event', ARGV[a + 1], 'data', ARGV[a + 2], 'epoch', epoch)
  else
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], id, 'topic', ARGV[a], 'event', ARGV[a + 1], 'data', ARGV[a + 2])
  end
end
redis.call('SET', KEYS[2], string.format('%.0f', last + n))
if ARGV[3] ~= '0' then
  redis.call('SET', KEYS[4], string.format('%.0f', last + 1), 'EX', ARGV[3])
end
return {string.format('%.0f', last + 1), epoch or 0}
)lua";

std::string sha1_hex(std::string_view text)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha1(), nullptr);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        auto const b = digest[i];
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

std::optional<std::uint64_t> to_u64(std::string_view s)
{
    std::uint64_t n = 0;
    auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size())
        return std::nullopt;
    return n;
}

} // namespace

stream_keys::stream_keys(std::string_view prefix)
    : stream(std::string(prefix) + ":stream")
    , last_id(std::string(prefix) + ":last-id")
    , epoch(std::string(prefix) + ":epoch")
    , idempotency(std::string(prefix) + ":idempotency:")
{
}

std::string_view append_script_text() { return script; }

std::string const& append_script_sha()
{
    static std::string const sha = sha1_hex(script);
    return sha;
}

std::vector<std::string> append_command(stream_keys const& keys, std::vector<event_draft> const& drafts,
                                        std::uint64_t max_len, std::uint64_t seen, bool eval, std::string const& key)
{
    std::vector<std::string> argv;
    argv.reserve(8 + 3 * drafts.size());
    argv.emplace_back(eval ? "EVAL" : "EVALSHA");
    argv.emplace_back(eval ? std::string(script) : append_script_sha());
    argv.emplace_back("4");
    argv.push_back(keys.stream);
    argv.push_back(keys.last_id);
    argv.push_back(keys.epoch);
    argv.push_back(keys.idempotency + key);
    argv.push_back(std::to_string(max_len));
    argv.push_back(std::to_string(seen));
    argv.push_back(key.empty() ? "0" : std::to_string(idempotency_seconds));
    for (auto const& d : drafts) {
        argv.push_back(d.topic);
        argv.push_back(d.event);
        argv.push_back(d.payload);
    }
    return argv;
}

std::optional<append_reply> parse_append_reply(redisReply const* r)
{
    if (r == nullptr || r->type != REDIS_REPLY_ARRAY || r->elements != 2)
        return std::nullopt;
    auto const* first = r->element[0];
    auto const* epoch = r->element[1];
    if (first->type != REDIS_REPLY_STRING || epoch->type != REDIS_REPLY_INTEGER || epoch->integer < 0)
        return std::nullopt;
    auto const id = to_u64(std::string_view(first->str, first->len));
    if (!id)
        return std::nullopt;
    return append_reply{*id, static_cast<std::uint64_t>(epoch->integer)};
}

std::optional<std::uint64_t> parse_entry_id(std::string_view id)
{
    return to_u64(id.substr(0, id.find('-')));
}

} // namespace ssehub
