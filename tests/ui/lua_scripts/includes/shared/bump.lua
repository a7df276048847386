-- Increments a counter (the including script defines `rcall`).
local function bump(key)
    return rcall('INCRR', key)
end
