--[[
    Cache-aside read: returns the cached value, refreshes its expiry on a hit, and
    counts hits and misses. On a miss the caller loads the value from the source
    of truth and stores it (write_through.lua does both in one step).

    KEYS:
        [1] cache_key - The cached entry (e.g. "cache:user:123:name")
        [2] stats_key - Hash counting `hits` and `misses`
    ARGV:
        [1] ttl_seconds: int - Expiry to set again on a hit (0 keeps the current one)
    RETURNS: string? - the cached value, or nil on a miss
    EXAMPLE:
        EVAL script 2 cache:user:123:name cache:stats 300
--]]

local value = redis.call('GET', KEYS[1])

if value then
    redis.call('HINCRBY', KEYS[2], 'hits', 1)
    local ttl = tonumber(ARGV[1])
    if ttl > 0 then
        redis.call('EXPIRE', KEYS[1], ttl)
    end
    return value
end

redis.call('HINCRBY', KEYS[2], 'misses', 1)
return nil
