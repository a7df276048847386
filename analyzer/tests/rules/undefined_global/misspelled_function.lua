-- Converts.
-- ARGV[1] = n - a number
-- RETURNS: int
return tonumbr(ARGV[1])
