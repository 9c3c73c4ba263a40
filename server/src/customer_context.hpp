// SPDX-License-Identifier: MIT
// Signed customer context: the storefront backend, which knows who the shopper is, signs {customer, segments, exp}
// as a compact JWT (HS256 with a shared secret, or EdDSA/Ed25519 with the public key in the server's options), and
// the server honours segments (member prices, tier reserves) only from a context that verifies and has not expired.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto.hpp"

namespace cartcore::server {

/** A verified customer context. */
struct CustomerContext {
  std::string customer;               // the storefront's customer id (1 to 200 bytes)
  std::vector<std::string> segments;  // e.g. "vip"; at most 100
  int64_t expiresAtMillis = 0;
};

struct CustomerContextKeys {
  std::string hmacSecret;                    // HS256; empty = not accepted
  std::optional<Ed25519PublicKey> ed25519;   // EdDSA; absent = not accepted
};

/** Verifies `Cartcore-Customer` tokens. Immutable once built, so any thread may use it. */
class CustomerContextVerifier {
 public:
  explicit CustomerContextVerifier(CustomerContextKeys keys) : keys_(std::move(keys)) {}

  /** True when some key is configured (else every token is refused as unverifiable). */
  bool configured() const { return !keys_.hmacSecret.empty() || keys_.ed25519.has_value(); }

  /**
   * Verifies `header.payload.signature` (base64url) with the key its `alg` names (HS256 or EdDSA, each only when
   * configured: the algorithm never picks the key material), then reads the payload strictly: `customer`
   * (string), `segments` (array of strings, optional), `exp` (seconds since the epoch, in the future), and
   * optionally `iat` and `nbf`. Throws a RequestError: 401 customer_context_invalid, or 401
   * customer_context_expired.
   */
  CustomerContext verify(std::string_view token, int64_t nowMillis) const;

 private:
  CustomerContextKeys keys_;
};

}  // namespace cartcore::server
