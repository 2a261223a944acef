-- wrk: a viewer's normal traffic on MNIST-10k: neighbour queries of random
-- points (k = 10) and downloads of the map's coordinates, alternating.
-- EMBVIEW_TOKEN: the server's token; EMBVIEW_JOB: a finished projection job.
math.randomseed(42)
local token = os.getenv("EMBVIEW_TOKEN")
local job = os.getenv("EMBVIEW_JOB")
local n = 0
request = function()
  n = n + 1
  local path
  if n % 2 == 0 then
    path = "/api/jobs/" .. job .. "/coords"
  else
    path = "/api/datasets/0/neighbors?i=" .. math.random(0, 9999) .. "&k=10"
  end
  return wrk.format("GET", path, {["X-Embview-Token"] = token})
end
