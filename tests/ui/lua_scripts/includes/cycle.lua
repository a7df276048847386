--[[
    Pulls in helpers whose includes lead back to one another.

    KEYS:
        [1] key - A key
--]]
--- @include "shared/first"
return redis.call('GET', KEYS[1])
