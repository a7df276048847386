--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local _ = ARGV[1]
local reply = redis.pcall('JSON.GET', KEYS[1])
return type(reply)
