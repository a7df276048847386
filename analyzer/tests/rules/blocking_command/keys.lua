-- Lists keys.
-- ARGV[1] = pattern - the pattern
-- RETURNS: [string]
return redis.call('KEYS', ARGV[1])
