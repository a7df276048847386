-- Reads a key.
-- KEYS[1] = key
redis.register_function('get', function(keys) return redis.call('GET', keys[1]) end)
