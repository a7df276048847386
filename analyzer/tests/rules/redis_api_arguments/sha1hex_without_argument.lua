-- Hashes.
-- RETURNS: bulk
return redis.sha1hex()
