--[[
    Records one call: appends its id to a log and counts it, so a test can check that
    every call was applied exactly once.

    KEYS:
        [1] log - The list of the ids applied, in order
        [2] count - How many calls were applied
    ARGV:
        [1] id: string - The id of this call
    RETURNS: int - how many calls were applied, this one included
--]]
redis.call('RPUSH', KEYS[1], ARGV[1])
return redis.call('INCR', KEYS[2])
