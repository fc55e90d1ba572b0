-- POST the same form body (args[2]) on every request with Authorization args[1]: client
-- credentials and introspection, which may be repeated freely.
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
setup, response, done = common.setup, common.response, common.done
local req

function init(args)
  common.init_counters()
  req = wrk.format("POST", nil, {
    Authorization = args[1],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, args[2])
end

function request()
  return req
end
