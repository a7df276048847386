-- Lists the keys matching a pattern (the article's "Instead of returning all").
-- ARGV[1] = pattern
local all_keys = redis.call('KEYS', ARGV[1])
return all_keys
