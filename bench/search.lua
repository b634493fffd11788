-- Every request a different search, so none is answered from the page cache.
local words = {"math", "reader", "lab", "email", "parent", "quest", "tutor", "science", "music", "class"}
local n = 0
request = function()
  n = n + 1
  local q = words[math.random(#words)]
  return wrk.format("GET", "/search/?q=" .. q .. "&_=" .. n .. "-" .. math.random(1000000000))
end
