--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[1] == 'a' then return redis.error_reply('OOM out of quota') end
if ARGV[1] == 'b' then error({err = 'NOSCRIPT gone'}) end
if ARGV[1] == 'c' then return {err = 'ERR wrong number of arguments here'} end
if ARGV[1] == 'd' then return redis.error_reply('-BUSY try later') end
return 1
