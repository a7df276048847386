--[[
    Checks one rule.

    KEYS:
        [1] key - A key
    ARGV:
        [1] value - A value
--]]
count = redis.call("INCR", KEYS[1])
return ARGV[1]
