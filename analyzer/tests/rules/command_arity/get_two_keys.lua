-- Reads.
-- KEYS[1] = a - one key
-- KEYS[2] = b - another
-- RETURNS: bulk
return redis.call('GET', KEYS[1], KEYS[2])
