-- Builds a greeting; the header does not say what comes back, so the caller picks a type.
-- ARGV[1] = name of the person to greet

return 'Hello, ' .. ARGV[1] .. '!'
