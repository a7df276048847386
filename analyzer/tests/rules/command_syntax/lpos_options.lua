--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local _ = ARGV[1]
return redis.call('LPOS', KEYS[1], 'x', 'RANK', -1, 'COUNT', 2, 'MAXLEN', 100)
