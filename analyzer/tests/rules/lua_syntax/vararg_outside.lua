-- x
local function f() return ... end
return f()
