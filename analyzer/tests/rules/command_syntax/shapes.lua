--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
redis.call('HSET', KEYS[1], 'a', ARGV[1], 'b')
redis.call('SET', KEYS[1], ARGV[1], 'EXX', 10)
redis.call('SET', KEYS[1], ARGV[1], 'NX', 'NX')
return redis.call('ZADD', KEYS[1], 'NX', 'GT', 1, ARGV[1], 2)
