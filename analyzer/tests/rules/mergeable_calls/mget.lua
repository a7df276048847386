-- Reads two values.
-- KEYS[1] = a - one key
-- KEYS[2] = b - another
-- RETURNS: [string?]
return redis.call('MGET', KEYS[1], KEYS[2])
