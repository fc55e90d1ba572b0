-- Shared by every scenario: count responses by status per thread, and at the end print one
-- machine-readable line (prefixed BENCH_JSON) that bench/runner.py parses.
local M = {}
local threads = {}

function M.setup(thread)
  table.insert(threads, thread)
end

function M.init_counters()
  statuses = {}
  handed = 0
end

function M.response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

-- Lines of a file, in order (tokens or ready-made request bodies written by the runner).
function M.read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then
      table.insert(lines, line)
    end
  end
  return lines
end

function M.done(summary, latency, requests)
  local codes, handed_total = {}, 0
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses") or {}) do
      codes[code] = (codes[code] or 0) + n
    end
    handed_total = handed_total + (thread:get("handed") or 0)
  end
  local parts = {}
  for code, n in pairs(codes) do
    table.insert(parts, string.format('"%d":%d', code, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,'
      .. '"status":%d,"p50_us":%d,"p99_us":%d,"handed":%d,"codes":{%s}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), handed_total, table.concat(parts, ",")
  ))
end

return M
