-- wrk script: cycles through the request paths listed in the file given after "--",
-- so a scenario is a fixed mix of requests rather than one URL served from a hot cache.
local paths = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  i = math.random(#paths)
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
