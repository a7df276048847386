-- Stores options.
-- KEYS[1] = key - the key
-- ARGV[1] = opts: json - the options
-- RETURNS: status
return redis.call('SET', KEYS[1], ARGV[1])
