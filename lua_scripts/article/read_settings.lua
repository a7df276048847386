-- Reads three settings in one call (the article's "Better: Use MGET").
-- KEYS[1] = first
-- KEYS[2] = second
-- KEYS[3] = third
-- RETURNS: [string?]
return redis.call('MGET', KEYS[1], KEYS[2], KEYS[3])
