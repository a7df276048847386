-- x
local f = tostring
local a = f
(f)('x')
return 1
