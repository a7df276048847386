--[[
    Checks one rule.

    KEYS:
        [1] key - A key
    RETURNS: int - a ratio
--]]
redis.call("INCR", KEYS[1])
return 0.5
