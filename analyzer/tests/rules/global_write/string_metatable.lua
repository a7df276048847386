-- Changes how strings index.
-- RETURNS: int
getmetatable('').__index.shout = function(s) return s:upper() end
return 1
