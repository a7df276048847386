--[[
    Sliding window rate limiter: allows at most `limit` requests in any window of
    `window_ms` milliseconds, keeping the time of each request in a sorted set.

    KEYS:
        [1] key - Sorted set of the window's requests (e.g. "ratelimit:sliding:user:123")
    ARGV:
        [1] limit: int - Maximum requests per window
        [2] window_ms: int - Window length in milliseconds
        [3] request_id: string - Unique id of this request (becomes a set member)
    RETURNS: (int, int) - 1 if allowed or 0 if limited, then the requests in the window
    EXAMPLE:
        EVAL script 1 ratelimit:sliding:user:123 10 60000 req-42
--]]

local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])

local time = redis.call('TIME')
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

redis.call('ZREMRANGEBYSCORE', key, '-inf', now_ms - window_ms)
local count = redis.call('ZCARD', key)

if count < limit then
    redis.call('ZADD', key, now_ms, ARGV[3])
    redis.call('PEXPIRE', key, window_ms)
    return {1, count + 1}
end

return {0, count}
