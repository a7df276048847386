--[[
    Keeps the server busy for a while, then increments a counter.

    KEYS:
        [1] counter - The counter to increment at the end
    ARGV:
        [1] millis: int - How long to keep the server busy
    RETURNS: int - the counter after the increment
--]]
local start = redis.call('TIME')
local start_ms = tonumber(start[1]) * 1000 + tonumber(start[2]) / 1000
local wait_ms = tonumber(ARGV[1])
while true do
    local now = redis.call('TIME')
    if tonumber(now[1]) * 1000 + tonumber(now[2]) / 1000 - start_ms >= wait_ms then
        break
    end
end
return redis.call('INCR', KEYS[1])
