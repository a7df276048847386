-- Starts a transaction.
-- RETURNS: status
return redis.call('MULTI')
