#!lua flags=no-writes,allow-stale
--[[
  KEYS:
    [1] key - a key
--]]
return redis.call('GET', KEYS[1])
