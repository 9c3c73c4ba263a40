// SPDX-License-Identifier: MIT
#include "customer_context.hpp"

#include "request_reader.hpp"
#include "util.hpp"

namespace cartcore::server {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxTokenBytes = 8192;

[[noreturn]] void invalid(const std::string& why) {
  refuse("customer_context_invalid", "", "The Cartcore-Customer token is not valid: " + why, 401);
}

/** A base64url JSON object of a token, read strictly; a refusal inside becomes customer_context_invalid. */
json decodePart(std::string_view part, std::string_view name) {
  auto bytes = base64UrlDecode(part);
  if (!bytes) invalid(std::string(name) + " is not base64url.");
  try {
    json value = parseBody(*bytes, kMaxTokenBytes);
    if (!value.is_object()) invalid(std::string(name) + " is not a JSON object.");
    return value;
  } catch (const RequestError& error) {
    invalid(std::string(name) + ": " + error.detail);
  }
}

}  // namespace

CustomerContext CustomerContextVerifier::verify(std::string_view token, int64_t nowMillis) const {
  if (token.size() > kMaxTokenBytes) invalid("it is longer than 8192 bytes.");
  std::size_t firstDot = token.find('.');
  std::size_t secondDot = firstDot == std::string_view::npos ? firstDot : token.find('.', firstDot + 1);
  if (secondDot == std::string_view::npos || token.find('.', secondDot + 1) != std::string_view::npos)
    invalid("expected header.payload.signature (a compact JWT).");
  std::string_view signedPart = token.substr(0, secondDot);
  auto signature = base64UrlDecode(token.substr(secondDot + 1));
  if (!signature) invalid("the signature is not base64url.");

  // The signature is checked before the payload is even decoded: nothing unauthenticated is read past the header.
  json header = decodePart(token.substr(0, firstDot), "the header");
  std::string alg;
  try {
    FieldReader fields(header, "");
    alg = readString(fields.required("alg"), "/alg", 16);
    if (const json* typ = fields.optional("typ")) readString(*typ, "/typ", 16);
    fields.finish();
  } catch (const RequestError& error) {
    invalid("header " + error.detail);
  }
  bool verified = false;
  if (alg == "HS256") {
    if (keys_.hmacSecret.empty()) invalid("HS256 tokens are not accepted (no --customer-hmac-secret).");
    verified = constantTimeEquals(hmacSha256(keys_.hmacSecret, signedPart), *signature);
  } else if (alg == "EdDSA") {
    if (!keys_.ed25519) invalid("EdDSA tokens are not accepted (no --customer-ed25519-key).");
    verified = keys_.ed25519->verify(signedPart, *signature);
  } else {
    invalid("alg \"" + alg + "\" is not HS256 or EdDSA.");
  }
  if (!verified) invalid("the signature does not verify.");

  json payload = decodePart(token.substr(firstDot + 1, secondDot - firstDot - 1), "the payload");
  CustomerContext context;
  int64_t notBefore = 0;
  try {
    FieldReader fields(payload, "");
    context.customer = readString(fields.required("customer"), "/customer", 200);
    if (const json* segments = fields.optional("segments")) {
      if (!segments->is_array() || segments->size() > 100)
        refuse("invalid_type", "/segments", "segments is an array of at most 100 strings.");
      for (std::size_t i = 0; i < segments->size(); ++i)
        context.segments.push_back(readString((*segments)[i], "/segments/" + std::to_string(i), 200));
    }
    // Seconds, as JWT's NumericDate; bounded so the milliseconds cannot overflow.
    constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
    context.expiresAtMillis = readInteger(fields.required("exp"), "/exp", 0, kMaxSeconds) * 1000;
    if (const json* iat = fields.optional("iat")) readInteger(*iat, "/iat", 0, kMaxSeconds);
    if (const json* nbf = fields.optional("nbf")) notBefore = readInteger(*nbf, "/nbf", 0, kMaxSeconds) * 1000;
    fields.finish();
  } catch (const RequestError& error) {
    invalid("payload " + error.detail);
  }
  if (context.expiresAtMillis <= nowMillis)
    refuse("customer_context_expired", "", "The Cartcore-Customer token expired at " + isoTime(context.expiresAtMillis) +
                                               "; have the storefront sign a fresh one.", 401);
  if (notBefore > nowMillis) invalid("it is not valid before " + isoTime(notBefore) + ".");
  return context;
}

}  // namespace cartcore::server
