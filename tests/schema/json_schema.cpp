// SPDX-License-Identifier: MIT
#include "json_schema.hpp"

#include <algorithm>
#include <regex>
#include <set>
#include <stdexcept>

namespace cartcore::schema {

namespace {

using Json = nlohmann::json;

const std::set<std::string> kKeywords = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "examples", "default", "type", "properties", "required",
    "additionalProperties", "propertyNames", "items", "minItems", "maxItems", "uniqueItems", "enum", "const", "pattern",
    "minLength", "maxLength", "minimum", "maximum", "minProperties", "maxProperties", "oneOf", "anyOf", "allOf", "not"};

bool hasType(const Json& instance, const std::string& type) {
  if (type == "object") return instance.is_object();
  if (type == "array") return instance.is_array();
  if (type == "string") return instance.is_string();
  if (type == "boolean") return instance.is_boolean();
  if (type == "null") return instance.is_null();
  if (type == "integer") return instance.is_number_integer() || (instance.is_number_float() && instance.get<double>() == static_cast<double>(static_cast<int64_t>(instance.get<double>())));
  if (type == "number") return instance.is_number();
  throw std::runtime_error("unknown type " + type);
}

std::size_t codePoints(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string child(const std::string& pointer, const std::string& key) {
  std::string out = pointer + "/";
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

}  // namespace

SchemaValidator::SchemaValidator(Json schema) : schema_(std::move(schema)) { checkKeywords(schema_, "#"); }

void SchemaValidator::checkKeywords(const Json& schema, const std::string& where) const {
  if (schema.is_boolean()) return;
  if (!schema.is_object()) throw std::runtime_error(where + ": a schema must be an object or a boolean");
  for (const auto& [key, value] : schema.items()) {
    if (!kKeywords.count(key)) throw std::runtime_error(where + ": unsupported keyword \"" + key + "\"");
    if (key == "properties" || key == "$defs") {
      for (const auto& [name, sub] : value.items()) checkKeywords(sub, where + "/" + key + "/" + name);
    } else if (key == "items" || key == "additionalProperties" || key == "propertyNames" || key == "not") {
      checkKeywords(value, where + "/" + key);
    } else if (key == "oneOf" || key == "anyOf" || key == "allOf") {
      for (std::size_t i = 0; i < value.size(); ++i) checkKeywords(value[i], where + "/" + key + "/" + std::to_string(i));
    } else if (key == "$ref") {
      resolve(value.get<std::string>());
    }
  }
}

const Json& SchemaValidator::resolve(const std::string& ref) const {
  const std::string prefix = "#/$defs/";
  if (ref.rfind(prefix, 0) != 0 || !schema_.contains("$defs") || !schema_["$defs"].contains(ref.substr(prefix.size()))) {
    throw std::runtime_error("unresolvable $ref " + ref);
  }
  return schema_["$defs"][ref.substr(prefix.size())];
}

std::vector<std::string> SchemaValidator::validate(const Json& instance) const {
  std::vector<std::string> errors;
  check(schema_, instance, "", &errors);
  return errors;
}

bool SchemaValidator::check(const Json& schema, const Json& instance, const std::string& pointer, std::vector<std::string>* errors) const {
  if (schema.is_boolean()) {
    if (!schema.get<bool>() && errors) errors->push_back(pointer + ": not allowed here");
    return schema.get<bool>();
  }
  bool ok = true;
  auto fail = [&](const std::string& what) {
    ok = false;
    if (errors) errors->push_back((pointer.empty() ? "/" : pointer) + ": " + what);
  };
  if (auto ref = schema.find("$ref"); ref != schema.end()) ok = check(resolve(ref->get<std::string>()), instance, pointer, errors) && ok;
  if (auto type = schema.find("type"); type != schema.end()) {
    bool any = false;
    if (type->is_array()) {
      for (const auto& t : *type) any = any || hasType(instance, t.get<std::string>());
    } else {
      any = hasType(instance, type->get<std::string>());
    }
    if (!any) {
      fail("expected " + type->dump() + ", got " + instance.type_name());
      return false;  // the other keywords would only repeat this
    }
  }
  if (auto c = schema.find("const"); c != schema.end() && *c != instance) fail("must be " + c->dump());
  if (auto e = schema.find("enum"); e != schema.end() && std::find(e->begin(), e->end(), instance) == e->end()) fail("must be one of " + e->dump());
  if (instance.is_string()) {
    const auto& s = instance.get_ref<const std::string&>();
    if (auto m = schema.find("minLength"); m != schema.end() && codePoints(s) < m->get<std::size_t>()) fail("shorter than " + m->dump());
    if (auto m = schema.find("maxLength"); m != schema.end() && codePoints(s) > m->get<std::size_t>()) fail("longer than " + m->dump());
    if (auto p = schema.find("pattern"); p != schema.end() && !std::regex_search(s, std::regex(p->get<std::string>()))) fail("does not match " + p->dump());
  }
  if (instance.is_number()) {
    if (auto m = schema.find("minimum"); m != schema.end() && instance.get<double>() < m->get<double>()) fail("below " + m->dump());
    if (auto m = schema.find("maximum"); m != schema.end() && instance.get<double>() > m->get<double>()) fail("above " + m->dump());
  }
  if (instance.is_array()) {
    if (auto m = schema.find("minItems"); m != schema.end() && instance.size() < m->get<std::size_t>()) fail("fewer than " + m->dump() + " items");
    if (auto m = schema.find("maxItems"); m != schema.end() && instance.size() > m->get<std::size_t>()) fail("more than " + m->dump() + " items");
    if (schema.value("uniqueItems", false)) {
      for (std::size_t i = 0; i < instance.size(); ++i) {
        for (std::size_t j = i + 1; j < instance.size(); ++j) {
          if (instance[i] == instance[j]) fail("items " + std::to_string(i) + " and " + std::to_string(j) + " are equal");
        }
      }
    }
    if (auto items = schema.find("items"); items != schema.end()) {
      for (std::size_t i = 0; i < instance.size(); ++i) ok = check(*items, instance[i], pointer + "/" + std::to_string(i), errors) && ok;
    }
  }
  if (instance.is_object()) {
    if (auto m = schema.find("minProperties"); m != schema.end() && instance.size() < m->get<std::size_t>()) fail("fewer than " + m->dump() + " properties");
    if (auto m = schema.find("maxProperties"); m != schema.end() && instance.size() > m->get<std::size_t>()) fail("more than " + m->dump() + " properties");
    if (auto r = schema.find("required"); r != schema.end()) {
      for (const auto& key : *r) {
        if (!instance.contains(key.get<std::string>())) fail("\"" + key.get<std::string>() + "\" is required");
      }
    }
    const Json* properties = schema.contains("properties") ? &schema["properties"] : nullptr;
    for (const auto& [key, value] : instance.items()) {
      if (auto names = schema.find("propertyNames"); names != schema.end()) ok = check(*names, key, child(pointer, key), errors) && ok;
      if (properties && properties->contains(key)) {
        ok = check((*properties)[key], value, child(pointer, key), errors) && ok;
      } else if (auto extra = schema.find("additionalProperties"); extra != schema.end()) {
        if (extra->is_boolean() && !extra->get<bool>()) fail("\"" + key + "\" is not a known field here");
        else ok = check(*extra, value, child(pointer, key), errors) && ok;
      }
    }
  }
  if (auto all = schema.find("allOf"); all != schema.end()) {
    for (const auto& s : *all) ok = check(s, instance, pointer, errors) && ok;
  }
  if (auto any = schema.find("anyOf"); any != schema.end()) {
    bool matched = false;
    for (const auto& s : *any) matched = matched || check(s, instance, pointer, nullptr);
    if (!matched) fail("matches none of anyOf");
  }
  if (auto one = schema.find("oneOf"); one != schema.end()) {
    std::vector<std::size_t> matched;
    for (std::size_t i = 0; i < one->size(); ++i) {
      if (check((*one)[i], instance, pointer, nullptr)) matched.push_back(i);
    }
    if (matched.size() != 1) {
      std::string detail;
      if (matched.empty()) {
        // Name why the likeliest alternative (the one with the fewest errors) fails, for a readable message.
        std::vector<std::string> best;
        for (const auto& s : *one) {
          std::vector<std::string> why;
          check(s, instance, pointer, &why);
          if (best.empty() || why.size() < best.size()) best = why;
        }
        detail = best.empty() ? "" : " (closest: " + best.front() + ")";
      }
      fail("matches " + std::to_string(matched.size()) + " of oneOf, exactly 1 needed" + detail);
    }
  }
  if (auto n = schema.find("not"); n != schema.end() && check(*n, instance, pointer, nullptr)) fail("matches a schema it must not");
  return ok;
}

}  // namespace cartcore::schema
