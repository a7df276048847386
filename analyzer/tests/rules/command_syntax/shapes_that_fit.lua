--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local mode = 'EX'
redis.call('SET', KEYS[1], ARGV[1], 'PX', 100, 'NX')
redis.call('SET', KEYS[1], ARGV[1], mode, 10)
redis.call('HSET', KEYS[1] .. ':h', unpack({'a', 'b', 'c', 'd'}))
redis.call('ZADD', KEYS[1] .. ':z', 'XX', 'CH', 1, 'm', 2, 'n')
return redis.call('XADD', KEYS[1] .. ':s', 'MAXLEN', '~', 1000, '*', 'f', ARGV[1])
