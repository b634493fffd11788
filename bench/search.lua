-- Every request a different search, so none is answered from the page cache. Each address
-- differs by punctuation after the word, which search ignores (it reads letters and
-- digits), and by the run's own token (the first argument after --), so that a later run
-- does not repeat an earlier run's addresses, which the page cache would then answer.
local words = {"math", "reader", "lab", "email", "parent", "quest", "tutor", "science", "music", "class"}
local token = ""
local n = 0
init = function(args)
  -- The token in punctuation too: its hex digits as that many dots, then a comma.
  for digit in (args[1] or ""):gmatch(".") do
    token = token .. string.rep(".", tonumber(digit, 16) + 1) .. ","
  end
end
request = function()
  n = n + 1
  local q = words[(n % #words) + 1] .. "+" .. token .. string.rep("-", n % 60) .. string.rep("!", math.floor(n / 60))
  return wrk.format("GET", "/search/?q=" .. q)
end
