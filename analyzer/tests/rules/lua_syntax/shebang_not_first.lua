--[[
  KEYS:
    [1] key - a key
--]]
#!lua flags=no-writes
return redis.call('GET', KEYS[1])
