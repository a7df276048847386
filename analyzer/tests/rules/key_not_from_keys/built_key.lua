-- Counts.
-- ARGV[1] = id - the id
-- RETURNS: int
return redis.call('INCR', 'hits:' .. ARGV[1])
