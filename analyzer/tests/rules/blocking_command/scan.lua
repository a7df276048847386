-- Lists keys.
-- ARGV[1] = pattern - the pattern
-- RETURNS: any
return redis.call('SCAN', 0, 'MATCH', ARGV[1], 'COUNT', 100)
