#!lua flags=no-writes
--[[
    Reads a string value; declared read-only, so it runs on replicas.

    KEYS:
        [1] key - The key to read
    RETURNS: string? - the value, or nil when the key does not exist
--]]
return redis.call('GET', KEYS[1])
