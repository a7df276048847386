--[[
    Increments a counter by one.

    KEYS:
        [1] counter - The counter's key
    RETURNS: int - the counter after the increment
--]]
return redis.call('INCR', KEYS[1])
