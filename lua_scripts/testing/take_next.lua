--[[
  Takes the next item of a list, for the tests of union replies: the item and how many
  are left, nil when the list is empty, or a code on request.

  KEYS:
    [1] list - the list
  ARGV:
    [1] mode: string - `take` takes an item; `code` answers ARGV[2]; `raw` answers the first item as it is, which fits no alternative
    [2] code: int - what `code` answers
  RETURNS: item: (string, int) | code: int | nil
--]]
if ARGV[1] == 'code' then
  return tonumber(ARGV[2])
end
if ARGV[1] == 'raw' then
  return redis.call('LINDEX', KEYS[1], 0)
end
local item = redis.call('LPOP', KEYS[1])
if not item then
  return nil
end
return {item, redis.call('LLEN', KEYS[1])}
