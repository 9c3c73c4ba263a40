// SPDX-License-Identifier: MIT
// A JSON Schema (draft 2020-12) validator for the keywords docs/store-config.schema.json uses, for tests. It refuses a
// schema with any other keyword, so the schema cannot lean on a keyword these tests would silently ignore.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cartcore::schema {

class SchemaValidator {
 public:
  /** Throws std::runtime_error naming the first unsupported keyword or unresolvable $ref. */
  explicit SchemaValidator(nlohmann::json schema);

  /** Errors as "<instance pointer>: <what failed>"; empty when the instance is valid. */
  std::vector<std::string> validate(const nlohmann::json& instance) const;

  /** Resolves a local "#/$defs/name" reference. */
  const nlohmann::json& resolve(const std::string& ref) const;

  const nlohmann::json& root() const { return schema_; }

 private:
  bool check(const nlohmann::json& schema, const nlohmann::json& instance, const std::string& pointer, std::vector<std::string>* errors) const;
  void checkKeywords(const nlohmann::json& schema, const std::string& where) const;

  nlohmann::json schema_;
};

}  // namespace cartcore::schema
