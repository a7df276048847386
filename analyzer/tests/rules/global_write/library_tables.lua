--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
function table.extend(a, b) end
string.trim = function(s) return s end
local t = math
t.clamp = 1
function cjson:pretty() end
return redis.call('SET', KEYS[1], ARGV[1])
