-- Changes how globals are read.
-- RETURNS: int
setmetatable(_G, {})
return 1
