--[[
    Releases a lock if this holder still has it (DELIFEQ, Valkey 9.0).

    KEYS:
        [1] lock - The lock's key
    ARGV:
        [1] holder - The token the lock was taken with
    RETURNS: int - 1 when the lock was released
--]]
return redis.call('DELIFEQ', KEYS[1], ARGV[1])
