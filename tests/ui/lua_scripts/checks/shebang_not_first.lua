--[[
    Checks one rule.

    KEYS:
        [1] key - A key
    ARGV:
        [1] value - A value
--]]
#!lua flags=no-writes
return redis.call("GET", KEYS[1], ARGV[1])
