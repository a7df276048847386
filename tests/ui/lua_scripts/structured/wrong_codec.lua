-- Counts a job's tags.
-- ARGV[1] = job: json - the job
-- RETURNS: int
local job = cmsgpack.unpack(ARGV[1])
return #job.tags
