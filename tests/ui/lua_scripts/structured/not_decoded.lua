-- Stores a job as it came.
-- KEYS[1] = jobs
-- ARGV[1] = job: json - the job
return redis.call('RPUSH', KEYS[1], ARGV[1])
