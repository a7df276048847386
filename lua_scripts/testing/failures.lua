--[[
    Fails in the way its argument asks for, to test how errors are reported.

    KEYS:
        [1] key - A key the script reads or writes
    ARGV:
        [1] mode: string - "nil_arithmetic", "wrong_type", "raise", "error_reply" or "ok"
    RETURNS: int - 1 when mode is "ok"
--]]

local mode = ARGV[1]

if mode == 'nil_arithmetic' then
    local missing = redis.call('GET', KEYS[1])
    return tonumber(missing) + 1
elseif mode == 'wrong_type' then
    return redis.call('LPUSH', KEYS[1], 'item')
elseif mode == 'raise' then
    error({err = 'CUSTOM_FAILURE raised on purpose'})
elseif mode == 'error_reply' then
    return redis.error_reply('INSUFFICIENT_FUNDS need 30 more')
end

return 1
