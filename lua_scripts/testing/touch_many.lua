--[[
    Sets each key to the argument at the same position: a script with many keys and
    arguments, for measuring what their number costs.

    KEYS:
        [1..] keys - The keys to set
    ARGV:
        [1..] values - One value per key
    RETURNS: int - how many keys were set
--]]
for i = 1, #KEYS do
    redis.call('SET', KEYS[i], ARGV[i])
end
return #KEYS
