-- Reads a field and makes it persistent.
-- KEYS[1] = hash - the hash
-- RETURNS: [string?]
return redis.call('HGETEX', KEYS[1], 'PERSIST', 'FIELDS', 1, 'f')
