--[[
    Sets a field of a hash and gives that field alone a lifetime (HEXPIRE, Redis 7.4):
    bound with `target = "redis-7.4"`.

    KEYS:
        [1] hash - The hash
    ARGV:
        [1] field - The field
        [2] value - Its value
        [3] seconds: int - How long the field lives
    RETURNS: [int] - HEXPIRE's answer for the field (1 when the lifetime was set)
--]]
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('HEXPIRE', KEYS[1], ARGV[3], 'FIELDS', 1, ARGV[1])
