--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local _ = ARGV[1]
return redis.call('EXPIRE', KEYS[1], 10, 'NX')
