-- Counts.
-- RETURNS: int
local count = setmetatable({}, {})
rawset(count, 'n', 1)
return count.n
