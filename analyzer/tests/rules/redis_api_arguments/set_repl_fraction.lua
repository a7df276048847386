-- Changes replication.
-- RETURNS: int
redis.set_repl(3.7)
redis.set_repl(0x3)
return 1
