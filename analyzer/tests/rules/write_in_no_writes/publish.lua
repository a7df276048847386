#!lua flags=no-writes
--[[
  KEYS:
    [1] key - a key
--]]
return redis.call('PUBLISH', KEYS[1], 'm')
