-- Stores options.
-- KEYS[1] = key - the key
-- ARGV[1] = opts: json - the options
-- RETURNS: status
local opts = cjson.decode(ARGV[1])
return redis.call('SET', KEYS[1], cjson.encode(opts))
