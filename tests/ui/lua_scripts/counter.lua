--[[
    Adds to a counter.

    KEYS:
        [1] counter - The counter's key
    ARGV:
        [1] amount: int - How much to add
    RETURNS: int - the new value
--]]
return redis.call('INCRBY', KEYS[1], ARGV[1])
