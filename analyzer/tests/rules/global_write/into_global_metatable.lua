-- Changes how globals are read.
-- RETURNS: int
getmetatable(_G).__index = function() return 1 end
return 1
