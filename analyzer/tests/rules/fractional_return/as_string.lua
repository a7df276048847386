-- Halves.
-- RETURNS: string
return tostring(1.5)
