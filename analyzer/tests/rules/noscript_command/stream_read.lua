-- Reads a stream.
-- KEYS[1] = stream - the stream
-- RETURNS: any
return redis.call('XREAD', 'COUNT', 10, 'STREAMS', KEYS[1], '0')
