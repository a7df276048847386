#!lua name=names
-- Reads a key.
-- KEYS[1] = key
redis.register_function('read-key', function(keys) return redis.call('GET', keys[1]) end)
-- Reads a key, with another case.
-- KEYS[1] = key
redis.register_function('Read_Key2', function(keys) return redis.call('GET', keys[1]) end)
-- Reads a key again.
-- KEYS[1] = key
redis.register_function('read_key2', function(keys) return redis.call('GET', keys[1]) end)
