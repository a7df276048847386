--[[
    Checks one rule.

    KEYS:
        [1] key - A key
    ARGV:
        [1] value - A value
--]]
local n = redis.call("SET", KEYS[1], ARGV[1])
for i = 2, #KEYS do
    redis.call("DEL", KEYS[i])
end
return n
