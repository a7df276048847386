--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local keys = KEYS
local KEYS = {'shadow'}
local x = KEYS[9]
return redis.call('SET', keys[1], ARGV[1])
