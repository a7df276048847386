-- The second helper, which wants the first one again.
--- @include "first"
local function second() return 2 end
