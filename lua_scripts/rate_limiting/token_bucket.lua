--[[
    Rate Limiter using Token Bucket Algorithm

    KEYS:
        [1] - Rate limit key (e.g., "ratelimit:user:123")

    ARGV:
        [1] - Maximum tokens (bucket capacity)
        [2] - Refill rate (tokens per second)
        [3] - Requested tokens (usually 1)

    RETURNS:
        1 if allowed, 0 if rate limited

    EXAMPLE:
        EVAL script 1 "ratelimit:user:123" 100 10 1
--]]

-- Implementation follows...

local key = KEYS[1]
local capacity = tonumber(ARGV[1])
local refill_rate = tonumber(ARGV[2])
local requested = tonumber(ARGV[3])

local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000

local bucket = redis.call('HMGET', key, 'tokens', 'updated_at')
local tokens = tonumber(bucket[1]) or capacity
local updated_at = tonumber(bucket[2]) or now

local elapsed = math.max(0, now - updated_at)
tokens = math.min(capacity, tokens + elapsed * refill_rate)

local allowed = 0
if tokens >= requested then
    tokens = tokens - requested
    allowed = 1
end

redis.call('HSET', key, 'tokens', tostring(tokens), 'updated_at', tostring(now))
-- Keep an idle bucket until it would be full again, then let it expire.
redis.call('EXPIRE', key, math.max(1, math.ceil(capacity / refill_rate)))

return allowed
