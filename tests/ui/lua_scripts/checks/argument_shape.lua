--[[
    Stores a profile field and refreshes its expiry.

    KEYS:
        [1] profile - The profile hash
    ARGV:
        [1] field - The field to set
        [2] value - Its value
--]]
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2], "updated")
return redis.call("SET", KEYS[1] .. ":seen", ARGV[2], "EXX", 3600)
