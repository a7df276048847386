--[[
    Checks one rule.

    KEYS:
        [1] key - A key
    ARGV:
        [1] value - A value
--]]
local f = tostring
local a = f
(f)(KEYS[1])
return ARGV[1]
