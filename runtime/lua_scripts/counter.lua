--[[
    Adds to a counter and returns its new value.

    KEYS:
        [1] counter: key - The counter's key
    ARGV:
        [1] amount: int - How much to add (negative to subtract)
    RETURNS: int - the counter after the addition
    EXAMPLE:
        EVAL script 1 visits:home 1
--]]

return redis.call('INCRBY', KEYS[1], ARGV[1])
