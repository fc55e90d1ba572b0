-- GET the URL with a different bearer token on each request, cycling through the file args[1]
-- (one raw token per line), so a token cache sees many distinct tokens rather than one hot one.
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
setup, response, done = common.setup, common.response, common.done
local reqs, i

function init(args)
  common.init_counters()
  reqs = {}
  for _, token in ipairs(common.read_lines(args[1])) do
    table.insert(reqs, wrk.format("GET", nil, { Authorization = "Bearer " .. token }))
  end
  i = 0
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end
