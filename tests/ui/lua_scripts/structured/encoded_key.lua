-- Reads a key given as JSON.
-- KEYS[1] = key: json - the key
return redis.call('GET', KEYS[1])
