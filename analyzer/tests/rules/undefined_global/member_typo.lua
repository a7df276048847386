--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
return redis.cal('SET', KEYS[1], ARGV[1])
