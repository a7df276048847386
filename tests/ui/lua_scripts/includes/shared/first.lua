-- The first helper.
--- @include "second"
local function first() return 1 end
