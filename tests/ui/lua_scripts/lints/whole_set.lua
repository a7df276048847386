-- Returns every member of a set.
-- KEYS[1] = members
return redis.call('SMEMBERS', KEYS[1])
