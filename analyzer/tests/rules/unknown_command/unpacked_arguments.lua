--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local args = {KEYS[1], ARGV[1]}
return redis.call('SET', unpack(args))
