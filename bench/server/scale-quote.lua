-- SPDX-License-Identifier: MIT
-- wrk, for bench/scale-bench.mjs: POST /v1/quote of a 1-3 line cart of bench-N variants (live stock from the
-- instance's stock cache; no database round trip). Env: BENCH_VARIANTS (how many bench-N variants to draw from).
local variants = tonumber(os.getenv("BENCH_VARIANTS") or "1")
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  local lines = {}
  local count = math.min(variants, math.random(1, 3))
  local first = math.random(0, variants - 1)
  for i = 0, count - 1 do
    lines[#lines + 1] = '{"variant":"bench-' .. ((first + i) % variants) .. '","quantity":' .. math.random(1, 3) .. '}'
  end
  return wrk.format("POST", "/v1/quote", headers, '{"lines":[' .. table.concat(lines, ",") .. ']}')
end

function response(status, headers, body)
  if status ~= 200 then io.stderr:write("quote failed: " .. status .. " " .. body:sub(1, 200) .. "\n") end
end
