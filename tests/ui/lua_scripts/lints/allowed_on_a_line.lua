-- Lists the keys matching a pattern, on purpose (a small test database).
-- ARGV[1] = pattern
-- redis-script: allow(blocking_command)
return redis.call('KEYS', ARGV[1])
