--[[
  Appends an event to the queue's events stream, trimmed to about ten thousand entries.
]]
local function emitEvent(stream, event, jobId)
  rcall("XADD", stream, "MAXLEN", "~", 10000, "*", "event", event, "jobId", jobId)
end
