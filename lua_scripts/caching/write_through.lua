--[[
    Write-through: stores a field of a record and its cached copy in one atomic
    step, so a reader never finds the cache older than the record.

    KEYS:
        [1] record_key - Hash holding the record, the source of truth (e.g. "user:123")
        [2] cache_key - Cached copy of the field (e.g. "cache:user:123:name")
    ARGV:
        [1] field: string - Field of the record to write
        [2] value: string - The new value
        [3] ttl_seconds: int - Expiry of the cached copy
    RETURNS: int - 1 if the field is new, 0 if it was updated
    EXAMPLE:
        EVAL script 2 user:123 cache:user:123:name name Ada 300
--]]

local created = redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return created
