-- Counts.
-- KEYS[1] = counter - the counter
-- RETURNS: int
return redis.call('INCRR', KEYS[1])
