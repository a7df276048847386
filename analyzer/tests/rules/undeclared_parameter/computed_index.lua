--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
redis.call('SET', KEYS[1], ARGV[1])
local i = 1
return KEYS[i]
