-- Changes replication.
-- RETURNS: int
redis.set_repl(42)
return 1
