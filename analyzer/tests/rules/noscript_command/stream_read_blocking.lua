-- Reads a stream, blocking.
-- KEYS[1] = stream - the stream
-- RETURNS: any
return redis.call('XREAD', 'BLOCK', 0, 'STREAMS', KEYS[1], '$')
