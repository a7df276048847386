-- RETURNS: int
return 3.7
