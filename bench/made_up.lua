-- Requests that try to skip the page cache: the audience page with a query parameter it
-- does not read, different every time (the page cache redirects it to the plain page).
local token = ""
local n = 0
init = function(args)
  token = args[1] or ""
end
request = function()
  n = n + 1
  return wrk.format("GET", "/parent-data/?utm=" .. token .. "-" .. n)
end
