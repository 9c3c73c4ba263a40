// SPDX-License-Identifier: MIT
// The few cryptographic primitives the server needs, from OpenSSL's libcrypto: SHA-256 (API key hashes),
// HMAC-SHA256 and Ed25519 verification (signed customer context), base64url, and random bytes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cartcore::server {

/** Lower-case hex SHA-256 of `data`. */
std::string sha256Hex(std::string_view data);
/** The 32-byte HMAC-SHA256 of `data` under `key`. */
std::string hmacSha256(std::string_view key, std::string_view data);
/** `count` bytes from the kernel's CSPRNG (getrandom). */
std::string randomBytes(std::size_t count);

/** RFC 4648 section 5 without padding. */
std::string base64UrlEncode(std::string_view bytes);
/** RFC 4648 section 4 (the standard alphabet, with padding), e.g. for HTTP Basic and WooCommerce signatures. */
std::string base64Encode(std::string_view bytes);
/** Decodes base64url with or without padding; nothing for any other character. */
std::optional<std::string> base64UrlDecode(std::string_view text);

/** An Ed25519 public key (immutable; verifying from several threads is safe). */
class Ed25519PublicKey {
 public:
  /** From a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) text; throws std::invalid_argument if it is not Ed25519. */
  static Ed25519PublicKey fromPem(std::string_view pem);
  bool verify(std::string_view message, std::string_view signature) const;

 private:
  struct Key;
  explicit Ed25519PublicKey(std::shared_ptr<const Key> key) : key_(std::move(key)) {}
  std::shared_ptr<const Key> key_;
};

}  // namespace cartcore::server
