-- POST each form body of the file args[2] exactly once, starting at line args[3] (0-based), with
-- Authorization args[1]: authorization codes, refresh tokens and revocations are single-use, so a
-- replayed body would measure an error path. The runner sizes the pool so it never runs dry and
-- advances the offset by "handed" (bodies sent, including any still in flight at the end).
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
setup, response, done = common.setup, common.response, common.done
local bodies, headers, next_index

function init(args)
  common.init_counters()
  headers = { Authorization = args[1], ["Content-Type"] = "application/x-www-form-urlencoded" }
  bodies = common.read_lines(args[2])
  next_index = tonumber(args[3]) + 1
end

function request()
  local body = bodies[next_index]
  if body == nil then
    -- Pool exhausted: stop rather than replay a used credential.
    wrk.thread:stop()
    body = bodies[#bodies]
  else
    next_index = next_index + 1
    handed = handed + 1
  end
  return wrk.format("POST", nil, headers, body)
end
