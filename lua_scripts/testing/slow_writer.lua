--[[
    Writes, then keeps the server busy: once a script has written, SCRIPT KILL cannot
    stop it.

    KEYS:
        [1] counter - The counter to increment first
    ARGV:
        [1] millis: int - How long to keep the server busy after the write
    RETURNS: int - the counter after the increment
--]]
local count = redis.call('INCR', KEYS[1])
local start = redis.call('TIME')
local start_ms = tonumber(start[1]) * 1000 + tonumber(start[2]) / 1000
local wait_ms = tonumber(ARGV[1])
while true do
    local now = redis.call('TIME')
    if tonumber(now[1]) * 1000 + tonumber(now[2]) / 1000 - start_ms >= wait_ms then
        break
    end
end
return count
