-- Reads a stream for a group, blocking.
-- KEYS[1] = stream - the stream
-- RETURNS: any
redis.call('XGROUP', 'CREATE', KEYS[1], 'g', '$', 'MKSTREAM')
return redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', 10, 'STREAMS', KEYS[1], '>')
