--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local mine = {}
function mine.extend(a) end
mine.x = 1
return redis.call('SET', KEYS[1], ARGV[1])
