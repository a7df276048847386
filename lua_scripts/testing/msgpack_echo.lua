-- Decodes a MessagePack value and sends it back encoded again: what Redis's cmsgpack
-- keeps of it.
-- ARGV[1] = value: msgpack - any MessagePack value
-- RETURNS: msgpack - the value, through cmsgpack
local value = cmsgpack.unpack(ARGV[1])
return cmsgpack.pack(value)
