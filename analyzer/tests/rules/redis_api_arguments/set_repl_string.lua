--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
redis.set_repl('all')
return redis.call('SET', KEYS[1], ARGV[1])
