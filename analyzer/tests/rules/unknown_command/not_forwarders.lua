--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local function get(key) return redis.call('GET', key) end
local function log(level, ...) redis.log(level, ...) end
log(redis.LOG_NOTICE, 'x')
return redis.call('SET', KEYS[1], get(ARGV[1]) or ARGV[1])
