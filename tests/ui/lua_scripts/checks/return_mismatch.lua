--[[
    Checks one rule.

    KEYS:
        [1] key - A key
    RETURNS: int - the count
--]]
if redis.call("EXISTS", KEYS[1]) == 0 then
    return "none"
end
return 1
