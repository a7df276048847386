-- Counts.
-- RETURNS: int
count = 1
return 1
