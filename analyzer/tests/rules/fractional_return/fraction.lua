-- Halves.
-- RETURNS: int
return 1.5
