-- SPDX-License-Identifier: MIT
-- wrk: alternate POST /v1/holds and POST /v1/checkout. Each successful hold is queued and confirmed by the next
-- request any connection of this thread sends, with an Idempotency-Key, so the mix is one checkout per hold.
local pending = {}
local holdBody = '{"cart":{"lines":[{"variant":"tee-black-m","quantity":1},{"variant":"mug","quantity":1}]}}'
local headers = { ["Content-Type"] = "application/json" }

function request()
  local hold = table.remove(pending)
  if hold then
    -- One key per hold: unique across wrk threads, and what a real client retrying this checkout would send.
    local h = { ["Content-Type"] = "application/json", ["Idempotency-Key"] = "checkout-" .. hold.id }
    return wrk.format("POST", "/v1/checkout", h, '{"holdId":"' .. hold.id .. '","quoteDigest":"' .. hold.digest .. '"}')
  end
  return wrk.format("POST", "/v1/holds", headers, holdBody)
end

function response(status, headers, body)
  if status == 201 then
    local id = body:match('"id":"(hold_%x+)"')
    local digest = body:match('"quoteDigest":"(sha256:%x+)"')
    if id and digest then table.insert(pending, { id = id, digest = digest }) end
  elseif status ~= 200 then
    io.stderr:write("hold/checkout failed: " .. status .. " " .. body .. "\n")
  end
end
