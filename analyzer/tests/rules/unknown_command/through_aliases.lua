--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local rcall = redis.call
local r = redis
local function call(cmd, ...) return rcall(cmd, ...) end
rcall('HSETT', KEYS[1], 'f', ARGV[1])
r.pcall('GETT', KEYS[1])
call('INCRR', KEYS[1])
local again = rcall
return again('GET', KEYS[1], 'extra')
