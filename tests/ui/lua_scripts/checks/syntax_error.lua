--[[
    Checks one rule.

    KEYS:
        [1] key - A key
    ARGV:
        [1] value - A value
--]]
local x = redis.call("GET", KEYS[1]
return x .. ARGV[1]
