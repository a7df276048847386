--[[
    Checks one rule.

    KEYS:
        [1] key - A key
    ARGV:
        [1] value - A value
--]]
redis.call("MULTI")
return redis.call("SET", KEYS[1], ARGV[1])
