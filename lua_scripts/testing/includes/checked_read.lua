-- Reads a counter; fails with a Lua error when asked to.
local function checked_read(key, mode)
    local value = tonumber(redis.call('GET', key) or 0)
    if mode == 'fail' then
        return value + nil
    end
    return value
end
