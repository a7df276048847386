-- Pops, blocking.
-- KEYS[1] = list - the list
-- RETURNS: [string]?
return redis.call('BLPOP', KEYS[1], 0)
