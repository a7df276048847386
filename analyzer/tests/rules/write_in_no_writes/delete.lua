#!lua flags=no-writes
--[[
  KEYS:
    [1] key - a key
--]]
return redis.call('DEL', KEYS[1])
