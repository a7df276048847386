-- Saves a user as one hash (the article's "Better" for data types).
-- KEYS[1] = user - the user's hash
-- ARGV[1] = name
-- ARGV[2] = email
-- ARGV[3] = age: int
-- RETURNS: int - how many fields were new
return redis.call('HSET', KEYS[1], 'name', ARGV[1], 'email', ARGV[2], 'age', ARGV[3])
