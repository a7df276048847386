-- Decodes a JSON value and sends it back encoded again: what Redis's cjson keeps of it.
-- ARGV[1] = value: json - any JSON value
-- RETURNS: json - the value, through cjson
local value = cjson.decode(ARGV[1])
return cjson.encode(value)
