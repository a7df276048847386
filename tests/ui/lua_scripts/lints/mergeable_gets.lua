-- Reads three settings, one call each (the article's "Inefficient: Multiple calls").
-- KEYS[1] = first
-- KEYS[2] = second
-- KEYS[3] = third
local a = redis.call('GET', KEYS[1])
local b = redis.call('GET', KEYS[2])
local c = redis.call('GET', KEYS[3])
return {a, b, c}
