-- Converts.
-- ARGV[1] = n - a number
-- RETURNS: int
return tonumber(ARGV[1])
