--[[
    Reads a session's fields and pushes their expiry back (HGETEX, Redis 8.0).

    KEYS:
        [1] session - The session hash
    ARGV:
        [1] ttl: int - Seconds the fields live on
        [2] field - The field to read
    RETURNS: [string?] - the field's value, or nil
--]]
return redis.call('HGETEX', KEYS[1], 'EX', ARGV[1], 'FIELDS', 1, ARGV[2])
