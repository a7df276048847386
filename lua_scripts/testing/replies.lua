--[[
    Returns a reply of the kind its argument names, whatever RETURNS says, to test
    how replies of the wrong shape are reported.

    ARGV:
        [1] kind: string - "int", "string", "nil" or "table"
    RETURNS: int - the reply (only "int" matches)
--]]

-- Chosen at run time, so no check at compile time can see the mismatch.
local replies = {int = 42, string = 'forty-two', table = {1, 'two'}}
return replies[ARGV[1]]
