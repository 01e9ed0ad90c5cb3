-- wrk script for scripts/bench: replays a pool of requests in random order, then writes the
-- run's counters and its full latency histogram as JSON, so that scripts/bench can merge the
-- results of several wrk processes (one per server) into exact percentiles.
--
-- Environment:
--   BENCH_POOL    a Lua file returning { {method, path, body-or-nil}, ... } (written by bench)
--   BENCH_RESULT  where done() writes the JSON result (absent: nothing is written)
--   BENCH_AUTHORIZATION  an Authorization header value sent with every request (optional)

local pool_path = os.getenv("BENCH_POOL")
local result_path = os.getenv("BENCH_RESULT")
local authorization = os.getenv("BENCH_AUTHORIZATION")

-- setup() runs in the main Lua state once per thread, before the threads start; it gives each
-- thread a number so that their random sequences differ.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local prepared = {}

function init(args)
  local pool = dofile(pool_path)
  for i, entry in ipairs(pool) do
    local headers = { ["Accept"] = "application/json" }
    if entry[3] ~= nil then headers["Content-Type"] = "application/json" end
    if authorization ~= nil then headers["Authorization"] = authorization end
    prepared[i] = wrk.format(entry[1], entry[2], headers, entry[3])
  end
  if #prepared == 0 then error("empty request pool " .. tostring(pool_path)) end
  math.randomseed(os.time() * 1000 + (thread_number or 0) * 7919)
  for _ = 1, 10 do math.random() end
end

function request()
  return prepared[math.random(#prepared)]
end

-- latency(i) gives the i-th distinct latency value (microseconds) and how often it occurred.
function done(summary, latency, requests)
  if result_path == nil then return end
  local buckets = {}
  for i = 1, #latency do
    local value, count = latency(i)
    buckets[#buckets + 1] = string.format("[%d,%d]", value, count)
  end
  local e = summary.errors
  local text = string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency":[%s]}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout, table.concat(buckets, ","))
  local file = assert(io.open(result_path, "w"))
  file:write(text)
  file:close()
end
