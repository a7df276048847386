--[[
    Declares and returns error codes Redis uses for its own refusals.

    KEYS:
        [1] quota - The quota's key
    RETURNS: int - what is left of the quota
    ERRORS:
        OOM - the quota is used up
        OUT_OF_QUOTA - the quota is used up (a code of its own: fine)
--]]
local left = tonumber(redis.call('GET', KEYS[1]) or 0)
if left <= 0 then
    return redis.error_reply('NOSCRIPT quota used up')
end
return redis.call('DECR', KEYS[1])
