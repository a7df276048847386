-- Asks the ACL.
-- RETURNS: int
if redis.acl_check_cmd('NOSUCHCMD') then return 1 end
return 0
