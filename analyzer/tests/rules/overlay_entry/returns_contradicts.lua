-- Counts the jobs waiting.
-- KEYS[1] wait list
-- RETURNS: int - how many
return redis.call('LLEN', KEYS[1])
