-- Reads a stream whose name is block.
-- RETURNS: value
return redis.call('XREAD', 'COUNT', 1, 'STREAMS', 'block', '0')
