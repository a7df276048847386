-- x
local s = [[ a [[ b ]]
return s
