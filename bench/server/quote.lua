-- SPDX-License-Identifier: MIT
-- wrk: POST /v1/quote with a 3-line cart (a price rule, a BOGO, a coupon tier, free shipping and live stock).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"lines":[{"variant":"tee-black-m","quantity":2},{"variant":"hoodie-grey-m","quantity":1},' ..
           '{"variant":"mug","quantity":1}],"coupons":["SAVE10"]}'

function response(status, headers, body)
  if status ~= 200 then io.stderr:write("quote failed: " .. status .. " " .. body .. "\n") end
end
