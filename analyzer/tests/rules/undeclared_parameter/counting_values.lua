--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
assert(#KEYS == 1 and #ARGV >= 1, 'one key and a value')
return redis.call('SET', KEYS[1], ARGV[1])
