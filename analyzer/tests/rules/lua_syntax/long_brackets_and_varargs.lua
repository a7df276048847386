-- x
local s = [==[ a [[ b ]] ]==]
local function f(...) return ... end
local function g(...) return arg.n end
return f(s) .. g(1)
