-- Counts.
-- RETURNS: int
return 'many'
