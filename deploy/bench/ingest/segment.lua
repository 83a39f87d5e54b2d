-- wrk load of Segment calls as SDKs send them: every event carries its own messageId, unique across
-- threads, requests and bench runs (so every request publishes new records and ingest's Redis dedup
-- claims each one, as it does for real SDK traffic).
--
--   wrk -t2 -c64 -d20s -s segment.lua http://127.0.0.1:8081/v1/batch      (EVENTS=100: a batch)
--   wrk -t2 -c64 -d20s -s segment.lua http://127.0.0.1:8081/v1/track      (EVENTS=1: one event)
--
-- Environment: EVENTS (events per request; 1 = a single call without the batch envelope),
-- AUTH (the Authorization header), RUN_ID (distinguishes bench runs; default: time and a random),
-- MESSAGE_IDS (1; 0 sends events without messageId, so ingest generates them and claims nothing in
-- Redis: a comparison only, SDKs always send one).
-- Each event is ~400 B of JSON; the body is built per request from fixed pieces around the
-- messageIds, so the generator spends little CPU on it. done() prints one line the bench parses.

local events = tonumber(os.getenv("EVENTS") or "100")
local with_ids = os.getenv("MESSAGE_IDS") ~= "0"
local auth = os.getenv("AUTH") or ""
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
local run_id = os.getenv("RUN_ID") or string.format("%x%06x", os.time(), math.random(0, 0xffffff))

local threads = {}
local thread_count = 0

function setup(thread)
   thread:set("thread_id", thread_count)
   thread_count = thread_count + 1
   table.insert(threads, thread)
end

-- one event with a marker where its messageId goes; ~400 B with a 36-character messageId
local function event(i, with_type)
   local head = (with_type and '{"type":"track",' or '{') .. (with_ids and '"messageId":"\1",' or '')
   local e = head .. '"anonymousId":"bench-anon-' .. string.format("%05d", i)
      .. '","event":"Product Viewed","properties":{"product_id":"p-' .. string.format("%05d", i)
      .. '","price":49.9,"currency":"EUR","category":"headphones","name":"Wireless Headphones","pad":"\2"},'
      .. '"context":{"page":{"url":"https://shop.example.com/p/' .. string.format("%05d", i)
      .. '"},"userAgent":"Mozilla/5.0 (X11; Linux x86_64) touchpoint-bench"},'
      .. '"timestamp":"2026-11-23T10:00:00.000Z"}'
   local size = #e - 1 + (with_ids and 35 or 0)
   return (e:gsub("\2", string.rep("x", math.max(0, 400 - size))))
end

local pieces, slots, id_format

function init(args)
   -- the messageId of event i of request n of this thread: <run>-<thread>-<n>-<i>, padded to 36 characters
   -- like a UUID; the pieces of the body between the messageIds are fixed
   local text
   if events == 1 then
      text = event(0, false)
   else
      local items = {}
      for i = 0, events - 1 do
         items[#items + 1] = event(i, true):gsub("\1", "\1-" .. string.format("%03d", i))
      end
      text = '{"batch":[' .. table.concat(items, ",") .. '],"sentAt":"2026-11-23T10:00:00.100Z"}'
   end
   pieces, slots = {}, {}
   for part in (text .. "\1"):gmatch("([^\1]*)\1") do
      pieces[#pieces + 1] = part
      pieces[#pieces + 1] = false
   end
   pieces[#pieces] = nil
   for k = 2, #pieces, 2 do slots[#slots + 1] = k end
   local prefix_length = events == 1 and 36 or 32
   id_format = "%s-%d-%0" .. (prefix_length - #run_id - 2 - #tostring(thread_id)) .. "d"
   counter = 0
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Authorization"] = auth
end

function request()
   counter = counter + 1
   local prefix = string.format(id_format, run_id, thread_id, counter)
   for _, k in ipairs(slots) do pieces[k] = prefix end
   return wrk.format(nil, nil, nil, table.concat(pieces))
end

-- wrk counts non-2xx/3xx answers in status errors; the bench needs every answer to be a 200
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d events_per_request=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d "
         .. "non2xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
      summary.requests, summary.duration, events, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
