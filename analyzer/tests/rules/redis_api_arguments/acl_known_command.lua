--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local allowed = redis.acl_check_cmd('get', KEYS[1])
return redis.call('SET', KEYS[1], tostring(allowed) .. ARGV[1])
