--[[
    Checks one rule.

    KEYS:
        [1] key - A key
    ARGV:
        [1] value - A value
--]]
local n = redis.call("SET", KEYS[1], ARGV[1])
return #KEYS
