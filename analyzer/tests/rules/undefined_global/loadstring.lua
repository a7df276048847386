--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local f = loadstring('return 1')
return redis.call('SET', KEYS[1], ARGV[1] .. f())
