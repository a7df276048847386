--[[
    Counts the call, then returns what a command answered, an error included, as the
    scripts of other projects often do with redis.pcall.

    KEYS:
        [1] counter - Counted on every call, before anything can fail
        [2] target - Incremented by the amount
    ARGV:
        [1] amount - The increment; one that is not a number makes INCRBY fail
    RETURNS: value - the new value of target, or INCRBY's error as Redis wrote it
--]]
redis.call('INCR', KEYS[1])
return redis.pcall('INCRBY', KEYS[2], ARGV[1])
