--[[
    Gives one field of a hash a lifetime (HEXPIRE, Redis 7.4) and times the call.

    KEYS:
        [1] hash - The hash
    ARGV:
        [1] field - The field
        [2] seconds: int - Its lifetime
    RETURNS: string - the CPU time the script had used
--]]
redis.call('HEXPIRE', KEYS[1], ARGV[2], 'FIELDS', 1, ARGV[1])
return tostring(os.clock())
