-- wrk script for `briefly-bench collab`. Arguments after `--`:
--   get   <token or "-">                       GET the URL's path (optionally as a bearer)
--   react <tokens file> <threads> <duration>   POST reactions, each thread cycling through
--                                              its own share of the tokens (many users)
-- Every answer outside 2xx is counted; `done` prints one line starting with WRK_JSON.

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local emojis = { "👍", "🎉", "❤️", "😂", "👍🏽", "🚀" }

function init(args)
  mode = args[1]
  non2xx, s429, s4xx, s5xx = 0, 0, 0, 0
  if mode == "get" then
    local headers = {}
    if args[2] and args[2] ~= "-" then
      headers["Authorization"] = "Bearer " .. args[2]
    end
    fixed = wrk.format("GET", nil, headers)
  elseif mode == "react" then
    tokens = {}
    for line in io.lines(args[2]) do
      table.insert(tokens, line)
    end
    stride = tonumber(args[3])
    duration_ms = tonumber(args[4])
    next_token = index
    sent = 0
  else
    error("unknown mode " .. tostring(mode))
  end
end

function request()
  if mode == "get" then
    return fixed
  end
  local token = tokens[(next_token % #tokens) + 1]
  next_token = next_token + stride
  sent = sent + 1
  local body = string.format('{"emoji":"%s","timestamp_ms":%d}', emojis[(sent % #emojis) + 1],
    (sent * 7919 + index * 104729) % duration_ms)
  return wrk.format("POST", nil, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if status == 429 then
      s429 = s429 + 1
    elseif status >= 500 then
      s5xx = s5xx + 1
    elseif status >= 400 then
      s4xx = s4xx + 1
    end
  end
end

function done(summary, latency, requests)
  local totals = { non2xx = 0, s429 = 0, s4xx = 0, s5xx = 0 }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do
      totals[key] = totals[key] + (thread:get(key) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"non2xx":%d,"status_429":%d,"status_4xx":%d,"status_5xx":%d,' ..
    '"socket_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, totals.non2xx, totals.s429, totals.s4xx, totals.s5xx,
    e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
