-- wrk script for bench/gateway.py: POST distinct bodies, report JSON on stdout.
-- Usage: wrk -s webhook_load.lua URL -- BODIES_FILE TAG TOKEN
-- Each line of BODIES_FILE is one JSON body; "@@ID@@" in it becomes TAG-COUNTER so that
-- every request carries a new idempotency key (a repeated key would be a cheap duplicate).
local bodies, n, counter, tag = {}, 0, 0, "run"

function init(args)
  for line in io.lines(args[1]) do
    n = n + 1
    bodies[n] = line
  end
  tag = args[2]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[3]
end

function request()
  counter = counter + 1
  local body = (bodies[(counter - 1) % n + 1]:gsub("@@ID@@", tag .. "-" .. counter))
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p99_ms": %.3f, ' ..
    '"non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
