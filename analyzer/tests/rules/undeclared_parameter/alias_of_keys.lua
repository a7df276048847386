--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local k = KEYS
return redis.call('MSET', k[1], ARGV[1], k[2], ARGV[1])
