-- Saves a user as one key per field (the article's "Use hashes instead of multiple keys").
-- ARGV[1] = id
-- ARGV[2] = name
-- ARGV[3] = email
local prefix = 'user:' .. ARGV[1]
redis.call('SET', prefix .. ':name', ARGV[2])
redis.call('SET', prefix .. ':email', ARGV[3])
return 1
