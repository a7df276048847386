-- Reads a value through a helper.
-- KEYS[1] = key - the key
-- RETURNS: bulk
--- @include "helpers/read.lua"
return read_value(KEYS[1])
