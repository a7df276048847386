--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local function helper() return 1 end
return redis.call('SET', KEYS[1], ARGV[1] .. helper())
