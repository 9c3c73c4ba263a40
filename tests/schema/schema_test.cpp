// SPDX-License-Identifier: MIT
// docs/store-config.schema.json must not drift from the parser. This binary links the config parser built with
// CARTCORE_KEY_AUDIT, so it hears every key the parser asks each object for. Then:
//   - every config of the golden corpus and examples/ that the engine accepts validates against the schema, and
//     every one it refuses for its shape (unknown, missing or mistyped field) the schema refuses too;
//   - at every object the parser reads, the keys it accepts are exactly the properties the schema lists there
//     (compared per schema location, so a selector is one location wherever it is used);
//   - every schema location with properties is reached by some corpus config, every property has a description,
//     and every object schema forbids unknown keys as the parser does.
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include <boost/test/unit_test.hpp>

#include "input_error.hpp"
#include "json_schema.hpp"
#include "store.hpp"

namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

std::map<std::string, std::set<std::string>>& askedKeys() {
  static std::map<std::string, std::set<std::string>> keys;  // object pointer -> keys asked
  return keys;
}

}  // namespace

namespace cartcore {
void auditAskedKey(const std::string& objectPointer, std::string_view key) { askedKeys()[objectPointer].insert(std::string(key)); }
}  // namespace cartcore

namespace cartcore::schema {

namespace {

/** The parser's verdict on a config: "" when it compiles, else its error code. */
std::string parserError(const Json& config) {
  try {
    compileStore(config);
    return "";
  } catch (const InputError& e) {
    return std::string(errorCodeName(e.error.code));
  }
}

Json readJson(const fs::path& path) {
  std::ifstream in(path);
  return Json::parse(in);
}

const SchemaValidator& validator() {
  static const SchemaValidator v(readJson(fs::path(CARTCORE_SOURCE_DIR) / "docs" / "store-config.schema.json"));
  return v;
}

// Every store config of the corpus: the golden cases' "config" and each example's store.json.
std::vector<std::pair<std::string, Json>> corpus() {
  std::vector<std::pair<std::string, Json>> out;
  fs::path root(CARTCORE_SOURCE_DIR);
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root / "tests" / "golden")) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    Json c = readJson(f);
    if (c.contains("config") && c["config"].is_object()) out.emplace_back(f.string(), c["config"]);
  }
  std::vector<fs::path> stores;
  for (const auto& e : fs::recursive_directory_iterator(root / "examples")) {
    if (e.path().filename() == "store.json") stores.push_back(e.path());
  }
  std::sort(stores.begin(), stores.end());
  for (const auto& f : stores) out.emplace_back(f.string(), readJson(f));
  return out;
}

/** A schema node reached at some location, with its location relative to the nearest $defs entry. */
struct Node {
  const Json* schema;
  std::string label;
};

/** The node with its $ref followed and its oneOf/anyOf/allOf alternatives, all at the same location. */
void expand(const Node& node, std::vector<Node>& out, int depth = 0) {
  BOOST_TEST_REQUIRE(depth < 32);
  if (!node.schema->is_object()) return;
  out.push_back(node);
  if (auto ref = node.schema->find("$ref"); ref != node.schema->end()) {
    std::string name = ref->get<std::string>().substr(std::string("#/$defs/").size());
    expand({&validator().resolve(*ref), "#/$defs/" + name}, out, depth + 1);
  }
  for (const char* combinator : {"oneOf", "anyOf", "allOf"}) {
    if (auto alternatives = node.schema->find(combinator); alternatives != node.schema->end()) {
      for (const auto& a : *alternatives) expand({&a, node.label}, out, depth + 1);
    }
  }
}

/** The schema locations an instance pointer leads to. */
std::set<std::string> labelsAt(const std::string& pointer) {
  std::vector<Node> nodes;
  expand({&validator().root(), "#"}, nodes);
  std::size_t at = 1;
  while (at <= pointer.size() && !pointer.empty()) {
    std::size_t next = pointer.find('/', at);
    std::string segment = pointer.substr(at, next == std::string::npos ? std::string::npos : next - at);
    bool index = !segment.empty() && segment.find_first_not_of("0123456789") == std::string::npos;
    std::vector<Node> children;
    for (const auto& n : nodes) {
      if (index && n.schema->contains("items")) expand({&(*n.schema)["items"], n.label + "/*"}, children);
      if (!index && n.schema->contains("properties") && (*n.schema)["properties"].contains(segment)) {
        expand({&(*n.schema)["properties"][segment], n.label + "/" + segment}, children);
      }
    }
    nodes = std::move(children);
    if (next == std::string::npos) break;
    at = next + 1;
  }
  std::set<std::string> labels;
  for (const auto& n : nodes) {
    if (n.schema->contains("properties")) labels.insert(n.label);
  }
  return labels;
}

/** Every schema location that lists properties, with their names; each $defs entry is walked once. */
void schemaLocations(const Node& start, std::map<std::string, std::set<std::string>>& out, std::set<std::string>& walkedDefs) {
  std::vector<Node> nodes;
  expand(start, nodes);
  auto descend = [&](const Json& sub, const std::string& label) {
    if (auto ref = sub.find("$ref"); ref != sub.end() && !walkedDefs.insert(ref->get<std::string>()).second) return;
    schemaLocations({&sub, label}, out, walkedDefs);
  };
  for (const auto& n : nodes) {
    if (auto props = n.schema->find("properties"); props != n.schema->end()) {
      for (const auto& [name, sub] : props->items()) {
        out[n.label].insert(name);
        descend(sub, n.label + "/" + name);
      }
    }
    if (auto items = n.schema->find("items"); items != n.schema->end() && items->is_object()) descend(*items, n.label + "/*");
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store_config_schema)

BOOST_AUTO_TEST_CASE(the_schema_is_draft_2020_12_with_only_keywords_the_checker_knows) {
  BOOST_TEST(validator().root()["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  BOOST_TEST(validator().root()["type"] == "object");
}

BOOST_AUTO_TEST_CASE(corpus_configs_validate_exactly_when_their_shape_is_right) {
  auto configs = corpus();
  BOOST_TEST(configs.size() > 150u);
  std::size_t accepted = 0, shapeRefused = 0;
  for (const auto& [name, config] : configs) {
    std::string code = parserError(config);
    auto errors = validator().validate(config);
    if (code.empty()) {
      ++accepted;
      BOOST_TEST(errors.empty(), name << ": the parser accepts it, the schema says " << (errors.empty() ? "" : errors.front()));
      continue;
    }
    if (code == "unknown_field" || code == "missing_field" || code == "invalid_type" || code == "unsupported_schema_version") {
      ++shapeRefused;
      BOOST_TEST(!errors.empty(), name << ": the parser refuses it (" << code << "), the schema accepts it");
    }
  }
  BOOST_TEST(accepted > 100u);
  BOOST_TEST(shapeRefused > 0u);
}

BOOST_AUTO_TEST_CASE(the_schema_lists_exactly_the_keys_the_parser_accepts) {
  askedKeys().clear();
  for (const auto& [name, config] : corpus()) parserError(config);
  // What the parser asked, per schema location.
  std::map<std::string, std::set<std::string>> parser;
  for (const auto& [pointer, keys] : askedKeys()) {
    auto labels = labelsAt(pointer);
    BOOST_TEST(!labels.empty(), "the parser reads an object at " << pointer << " where the schema has no object with properties");
    for (const auto& label : labels) parser[label].insert(keys.begin(), keys.end());
  }
  std::map<std::string, std::set<std::string>> schema;
  std::set<std::string> walked;
  schemaLocations({&validator().root(), "#"}, schema, walked);
  BOOST_TEST(schema.size() > 20u);
  for (const auto& [label, keys] : schema) {
    auto it = parser.find(label);
    BOOST_CHECK_MESSAGE(it != parser.end(), "no corpus config reaches " << label << "; add a golden case that uses it");
    if (it == parser.end()) continue;
    for (const auto& key : keys) BOOST_TEST(it->second.count(key) == 1u, label << ": the schema lists \"" << key << "\" but the parser never accepts it there");
    for (const auto& key : it->second) BOOST_TEST(keys.count(key) == 1u, label << ": the parser accepts \"" << key << "\" but the schema does not list it");
  }
}

BOOST_AUTO_TEST_CASE(every_property_is_described_and_every_object_is_closed) {
  std::size_t described = 0;
  std::function<void(const Json&, const std::string&)> walk = [&](const Json& s, const std::string& where) {
    if (!s.is_object()) return;
    if (auto props = s.find("properties"); props != s.end()) {
      BOOST_TEST(s.value("additionalProperties", true) == false, where << ": an object schema must set additionalProperties false, as the parser refuses unknown keys");
      for (const auto& [name, sub] : props->items()) {
        bool has = sub.contains("description") || (sub.contains("$ref") && validator().resolve(sub["$ref"]).contains("description"));
        BOOST_TEST(has, where << "/" << name << " has no description for editors");
        described += has;
        walk(sub, where + "/" + name);
      }
    }
    for (const char* key : {"items", "additionalProperties", "not"}) {
      if (s.contains(key)) walk(s[key], where + "/" + key);
    }
    for (const char* key : {"oneOf", "anyOf", "allOf"}) {
      if (s.contains(key)) {
        for (const auto& a : s[key]) walk(a, where);
      }
    }
    if (s.contains("$defs")) {
      for (const auto& [name, d] : s["$defs"].items()) walk(d, "#/$defs/" + name);
    }
  };
  walk(validator().root(), "#");
  BOOST_TEST(described > 100u);
}

BOOST_AUTO_TEST_CASE(the_checker_itself_catches_what_it_claims_to) {
  Json config = Json::parse(R"({"schemaVersion":1,"store":{"currency":"USD"},"catalog":{"products":[{"id":"p","variants":[{"id":"v","price":"1.00"}]}]}})");
  BOOST_TEST(validator().validate(config).empty());
  auto withTypo = config;
  withTypo["catalog"]["products"][0]["variants"][0]["prize"] = "1.00";
  BOOST_TEST(!validator().validate(withTypo).empty());
  auto badSelector = config;
  badSelector["promotions"] = Json::parse(R"([{"id":"x","type":"itemDiscount","selector":{"products":["p"],"variants":["v"]},"discount":{"percentOff":"10"}}])");
  BOOST_TEST(!validator().validate(badSelector).empty());  // a selector takes exactly one form
  auto twoChanges = config;
  twoChanges["promotions"] = Json::parse(R"([{"id":"x","type":"itemDiscount","selector":{"everything":true},"discount":{"percentOff":"10","amountOff":"1.00"}}])");
  BOOST_TEST(!validator().validate(twoChanges).empty());
  BOOST_CHECK_THROW(SchemaValidator(Json::parse(R"({"type":"object","if":{}})")), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace cartcore::schema
