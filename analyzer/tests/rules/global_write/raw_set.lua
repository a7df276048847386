-- Sets a global past its guard.
-- RETURNS: int
rawset(_G, 'count', 1)
return 1
