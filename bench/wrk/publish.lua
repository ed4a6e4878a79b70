-- wrk script: POST /publish as fast as wrk can, one event per request, JSON body with a counter.
--   SSEHUB_PUBLISH_TOKEN=secret wrk -t2 -c8 -d10s -s bench/wrk/publish.lua http://127.0.0.1:8080/publish
-- Environment: SSEHUB_PUBLISH_TOKEN (the Bearer token; required), WRK_TOPIC (default "wrk"),
-- WRK_IDS_FILE (optional: the ids of the acknowledged events are written there, one a line, so
-- what subscribers received can be checked against them).
-- Each body is {"topic":T,"data":{"thread":K,"n":N}}: N counts this thread's requests from 1.
-- At the end it prints how many answers had each status, summed over wrk's threads (each thread
-- has its own Lua state, so done() collects their tables), and one machine-readable line:
--   publish statuses: 202=12345 total=12345
local token = os.getenv("SSEHUB_PUBLISH_TOKEN")
if token == nil or token == "" then
  io.stderr:write("publish.lua: set SSEHUB_PUBLISH_TOKEN to ssehub's publish token\n")
  os.exit(2)
end
local topic = os.getenv("WRK_TOPIC") or "wrk"

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- Per thread (each runs this file in its own Lua state).
statuses = {}
acked = {} -- event ids from the 2xx answers ({"ids":["17"]})
local counter = 0
local headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "application/json",
}

function request()
  counter = counter + 1
  local body = string.format('{"topic":"%s","data":{"thread":%d,"n":%d}}', topic, thread_id or 0, counter)
  return wrk.format("POST", nil, headers, body)
end

function response(status, _, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 200 and status < 300 then
    for id in body:gmatch('"(%d+)"') do acked[#acked + 1] = id end
  end
end

function done(summary, _, _)
  local total, sum = 0, {}
  local ids_file = os.getenv("WRK_IDS_FILE")
  local out = ids_file and ids_file ~= "" and assert(io.open(ids_file, "w"))
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      sum[status] = (sum[status] or 0) + n
      total = total + n
    end
    if out then
      for _, id in ipairs(thread:get("acked")) do out:write(id, "\n") end
    end
  end
  if out then out:close() end
  local parts = {}
  for status, n in pairs(sum) do table.insert(parts, string.format("%d=%d", status, n)) end
  table.sort(parts)
  local e = summary.errors
  io.write(string.format("publish statuses: %s total=%d\n", table.concat(parts, " "), total))
  io.write(string.format("publish errors: connect=%d read=%d write=%d timeout=%d\n",
                         e.connect, e.read, e.write, e.timeout))
end
