-- Measures nothing much; os.clock exists from Redis 7.4.
-- RETURNS: string - the CPU time used so far
return tostring(os.clock())
