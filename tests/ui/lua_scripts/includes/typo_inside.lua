--[[
    Uses a helper whose command name has a typo.

    KEYS:
        [1] key - A key
--]]
local rcall = redis.call
--- @include "shared/bump"
return bump(KEYS[1])
