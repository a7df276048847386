--[[
  Appends an event to a stream trimmed to about a thousand entries.
]]
local function emit_event(stream, event, id)
  rcall("XADD", stream, "MAXLEN", "~", 1000, "*", "event", event, "id", id)
end
