-- Counts.
-- RETURNS: int
return 7
