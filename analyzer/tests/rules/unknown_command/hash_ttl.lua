--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
redis.call('HEXPIRE', KEYS[1], 60, 'FIELDS', 1, ARGV[1])
return 1
