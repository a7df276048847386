-- Moves a job from one list to another.
-- KEYS[1] source list
-- KEYS[2] destination list
-- ARGV[1] job id
redis.call('LREM', KEYS[1], 1, ARGV[1])
return redis.call('LPUSH', KEYS[2], ARGV[1])
