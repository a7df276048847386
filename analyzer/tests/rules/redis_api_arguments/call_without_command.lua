-- Calls nothing.
-- RETURNS: any
return redis.call()
