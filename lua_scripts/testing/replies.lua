--[[
    Returns a reply of the kind its argument names, whatever RETURNS says, to test
    how replies of the wrong shape are reported.

    ARGV:
        [1] kind: string - "int", "string", "nil" or "table"
    RETURNS: int - the reply (only "int" matches)
--]]

local kind = ARGV[1]
if kind == 'int' then
    return 42
elseif kind == 'string' then
    return 'forty-two'
elseif kind == 'table' then
    return {1, 'two'}
end
return nil
