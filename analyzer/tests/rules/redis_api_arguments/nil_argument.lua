--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
return redis.call('SET', KEYS[1], ARGV[1], nil)
