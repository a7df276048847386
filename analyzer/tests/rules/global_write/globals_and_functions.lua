--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
counter = 1
function helper() end
_G.flag = true
return redis.call('SET', KEYS[1], ARGV[1])
