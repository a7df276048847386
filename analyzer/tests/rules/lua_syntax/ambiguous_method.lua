-- x
local s = 'a'
local t = s:upper
()
return t
