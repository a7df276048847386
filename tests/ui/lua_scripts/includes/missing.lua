--[[
    Pulls in a helper that does not exist.

    KEYS:
        [1] key - A key
--]]
--- @include "shared/nowhere"
return redis.call('GET', KEYS[1])
