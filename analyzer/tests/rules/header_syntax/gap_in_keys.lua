-- Reads the second key.
-- KEYS[2] = other - the key read
-- RETURNS: bulk
return redis.call('GET', KEYS[2])
