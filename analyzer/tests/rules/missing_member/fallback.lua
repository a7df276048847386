--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local unpack = table.unpack or unpack
local pack = table.pack or function(...) return {...} end
return redis.call('SET', unpack({KEYS[1], ARGV[1]}))
