--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local _ = ARGV[1]
return redis.call('EVAL', 'return 1', 0, KEYS[1])
