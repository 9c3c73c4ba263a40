// SPDX-License-Identifier: MIT
#include "cartcore/result.hpp"

namespace cartcore {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::MalformedJson: return "malformed_json";
    case ErrorCode::PayloadTooLarge: return "payload_too_large";
    case ErrorCode::UnsupportedSchemaVersion: return "unsupported_schema_version";
    case ErrorCode::UnknownField: return "unknown_field";
    case ErrorCode::MissingField: return "missing_field";
    case ErrorCode::InvalidType: return "invalid_type";
    case ErrorCode::InvalidValue: return "invalid_value";
    case ErrorCode::OutOfRange: return "out_of_range";
    case ErrorCode::UnknownCurrency: return "unknown_currency";
    case ErrorCode::CurrencyMismatch: return "currency_mismatch";
    case ErrorCode::DuplicateId: return "duplicate_id";
    case ErrorCode::UnknownReference: return "unknown_reference";
    case ErrorCode::TooManyItems: return "too_many_items";
    case ErrorCode::AmountOverflow: return "amount_overflow";
    case ErrorCode::Internal: return "internal_error";
    case ErrorCode::MissingRate: return "missing_rate";
    case ErrorCode::StaleRates: return "stale_rates";
    case ErrorCode::MissingTaxRate: return "missing_tax_rate";
    case ErrorCode::MissingCost: return "missing_cost";
    case ErrorCode::ShippingUnavailable: return "shipping_unavailable";
    case ErrorCode::TooComplex: return "too_complex";
  }
  return "internal_error";
}

}  // namespace cartcore
