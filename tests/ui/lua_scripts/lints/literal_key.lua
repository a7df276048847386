-- Counts a visit in a counter whose name is written here (against "Use KEYS[] for keys").
-- ARGV[1] = page
return redis.call('INCR', 'visits:' .. ARGV[1])
