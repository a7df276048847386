--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
redis.call('INCRR', KEYS[1])
redis.call('MULTI')
redis.call('GET', KEYS[1], ARGV[1])
redis.pcall('CONFIG', 'GETT')
redis.call('CONFIG', 'SET', 'x')
return redis.call('JSON.SET', KEYS[1], '$', ARGV[1])
