-- Every request a different search, so none is answered from the page cache. The run's
-- own token (the first argument after --) keeps a later run from repeating an earlier
-- run's addresses, which the page cache would then answer.
local words = {"math", "reader", "lab", "email", "parent", "quest", "tutor", "science", "music", "class"}
local token = ""
local n = 0
init = function(args)
  token = args[1] or ""
end
request = function()
  n = n + 1
  local q = words[(n % #words) + 1]
  return wrk.format("GET", "/search/?q=" .. q .. "&_=" .. token .. "-" .. n)
end
