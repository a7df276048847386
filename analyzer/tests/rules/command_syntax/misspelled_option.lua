-- Stores a value.
-- KEYS[1] = key - the key
-- ARGV[1] = value - the value
-- RETURNS: status
return redis.call('SET', KEYS[1], ARGV[1], 'EXX', 10)
