-- Reads a list.
-- KEYS[1] = list - the list
-- RETURNS: [string]
return redis.call('LRANGE', KEYS[1], 0, 99)
