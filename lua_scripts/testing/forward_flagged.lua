#!lua flags=allow-stale
--[[
    Counts the call, then returns what SET answered, an error included: a script with a
    #!lua line, which Redis checks against its flags before it starts.

    KEYS:
        [1] counter - Counted on every call
        [2] target - Set to the value
    ARGV:
        [1] value - What to set
    RETURNS: value - SET's reply, or its error as Redis wrote it
--]]
redis.call('INCR', KEYS[1])
return redis.pcall('SET', KEYS[2], ARGV[1])
