-- GET the URL, optionally with a fixed Authorization header (args[1]), e.g. one hot bearer token.
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
setup, response, done = common.setup, common.response, common.done
local req

function init(args)
  common.init_counters()
  if args[1] and args[1] ~= "" then
    wrk.headers["Authorization"] = args[1]
  end
  req = wrk.format("GET")
end

function request()
  return req
end
