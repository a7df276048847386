-- x
local s = `x`
return s
