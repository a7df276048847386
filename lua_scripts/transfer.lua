--[[
    Atomic transfer: moves an amount from one balance to another, or changes
    nothing when the source balance is too low.

    KEYS:
        [1] from - Balance to take the amount from (e.g. "balance:alice")
        [2] to - Balance to add the amount to (e.g. "balance:bob")
    ARGV:
        [1] amount: int - Amount to move
    RETURNS: string - "OK" once the amount has moved
    ERRORS:
        INSUFFICIENT_BALANCE - the source balance is lower than the amount; nothing moved
    EXAMPLE:
        EVAL script 2 balance:alice balance:bob 30
--]]

local from_key = KEYS[1]
local to_key = KEYS[2]
local amount = tonumber(ARGV[1])

local from_balance = tonumber(redis.call('GET', from_key) or 0)

if from_balance < amount then
    return redis.error_reply("INSUFFICIENT_BALANCE Insufficient balance")
end

redis.call('DECRBY', from_key, amount)
redis.call('INCRBY', to_key, amount)

return 'OK'
