--[[
    Copies a value.

    KEYS:
        [1] - Source key
        [1] - Destination key
--]]
return redis.call('SET', KEYS[2], redis.call('GET', KEYS[1]))
