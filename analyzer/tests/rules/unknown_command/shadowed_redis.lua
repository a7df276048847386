--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local redis = {call = function(...) return 1 end}
redis.call('NOT_A_COMMAND', KEYS[1], ARGV[1])
return 1
