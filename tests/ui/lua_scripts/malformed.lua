-- Sets a value with an expiry.
-- KEYS[1] = the key
-- ARGV[1] value: text - the value
-- ARGV[2] ttl: int - seconds to live
-- RETURNS: [strng]
return redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
