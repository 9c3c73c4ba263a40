-- SPDX-License-Identifier: MIT
-- wrk, for bench/scale-bench.mjs: holds of one unit, each confirmed by the next request of this thread (with an
-- Idempotency-Key), on one hot variant or spread over many. Env: BENCH_VARIANTS (how many bench-N variants to
-- spread over; 1 = the hot SKU bench-0), BENCH_HOLDS_ONLY=1 (never check out: holds/s alone).
local variants = tonumber(os.getenv("BENCH_VARIANTS") or "1")
local holdsOnly = os.getenv("BENCH_HOLDS_ONLY") == "1"
local pending = {}
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  local hold = (not holdsOnly) and table.remove(pending)
  if hold then
    local h = { ["Content-Type"] = "application/json", ["Idempotency-Key"] = "checkout-" .. hold.id }
    return wrk.format("POST", "/v1/checkout", h, '{"holdId":"' .. hold.id .. '","quoteDigest":"' .. hold.digest .. '"}')
  end
  local variant = "bench-" .. math.random(0, variants - 1)
  return wrk.format("POST", "/v1/holds", headers,
    '{"cart":{"lines":[{"variant":"' .. variant .. '","quantity":1}]}}')
end

function response(status, headers, body)
  if status == 201 then
    if not holdsOnly then
      local id = body:match('"id":"(hold_%x+)"')
      local digest = body:match('"quoteDigest":"(sha256:%x+)"')
      if id and digest then table.insert(pending, { id = id, digest = digest }) end
    end
  elseif status ~= 200 then
    io.stderr:write("hold/checkout failed: " .. status .. " " .. body:sub(1, 200) .. "\n")
  end
end
