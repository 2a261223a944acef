-- wrk: neighbour queries of random points of MNIST-10k (k = 10), dataset 0
math.randomseed(42)
local token = os.getenv("EMBVIEW_TOKEN")
request = function()
  return wrk.format("GET", "/api/datasets/0/neighbors?i=" .. math.random(0, 9999) .. "&k=10",
                    {["X-Embview-Token"] = token})
end
