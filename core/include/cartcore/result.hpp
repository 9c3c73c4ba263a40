// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cartcore {

/** Stable error codes. Their snake_case names (errorCodeName) are API: never renumber or rename. */
enum class ErrorCode {
  MalformedJson,             // malformed_json: the text is not JSON
  PayloadTooLarge,           // payload_too_large: the text exceeds the size limit
  UnsupportedSchemaVersion,  // unsupported_schema_version
  UnknownField,              // unknown_field: a key this schema does not define
  MissingField,              // missing_field: a required key is absent
  InvalidType,               // invalid_type: wrong JSON type
  InvalidValue,              // invalid_value: right type, meaningless value
  OutOfRange,                // out_of_range: a number outside its allowed range
  UnknownCurrency,           // unknown_currency: not an ISO 4217 code
  CurrencyMismatch,          // currency_mismatch: the cart's currency is not the store's
  DuplicateId,               // duplicate_id
  UnknownReference,          // unknown_reference: an id that names nothing
  TooManyItems,              // too_many_items: an array above its limit
  AmountOverflow,            // amount_overflow: money arithmetic left the int64 range
  Internal,                  // internal_error: a bug in Cartcore, never the caller's fault
  MissingRate,               // missing_rate: a currency is used (request, price list, country map) without a rate
  StaleRates,                // stale_rates: the rates are older than allowed and the policy is "refuse"
  MissingTaxRate,            // missing_tax_rate: a tax class has no rate for the destination
  MissingCost,               // missing_cost: a margin floor applies to a variant with no cost (policy "error")
  ShippingUnavailable,       // shipping_unavailable: no shipping method (or not the one asked for) serves this cart
  TooComplex,                // too_complex: within every size limit, but more work or memory than a documented budget
};

/** The snake_case wire name of an error code, e.g. "unknown_field". */
std::string_view errorCodeName(ErrorCode code);

/** A user-facing error: a stable code, the JSON pointer of the offending field ("" for the whole document) and a sentence. */
struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string pointer;
  std::string message;
};

/** Either a value or an Error; the public API returns this instead of throwing. */
template <class T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace cartcore
