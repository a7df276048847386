--[[
    Calls a helper from an included file that fails when asked to: run-time errors must
    point into the included file.

    KEYS:
        [1] key - A counter the helper reads
    ARGV:
        [1] mode: string - "fail" to make the helper fail, anything else to succeed
    RETURNS: int - the counter, when the helper succeeds
--]]
--- @include "includes/checked_read"
return checked_read(KEYS[1], ARGV[1])
