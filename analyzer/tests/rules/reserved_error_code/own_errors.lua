--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[1] == 'a' then return redis.error_reply('OUT_OF_QUOTA no more') end
if ARGV[1] == 'b' then error({err = 'ERR my own words'}) end
if ARGV[1] == 'c' then return {err = 'Insufficient balance'} end
return 1
