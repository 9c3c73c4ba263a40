// SPDX-License-Identifier: MIT
// The strict JSON reader (cartcore/json.hpp): size, syntax, repeated keys and depth, each with its pointer.
#include <cartcore/engine.hpp>
#include <cartcore/json.hpp>

#include "json_reader.hpp"
#include "test_support.hpp"

using namespace cartcore::test;

namespace {

using Expected = std::pair<std::string, std::string>;

Expected errorOfText(std::string_view text, std::size_t maxDepth = cartcore::kMaxJsonDepth) {
  auto parsed = cartcore::parseStrictJson(text, {1 << 20, maxDepth});
  if (parsed.ok()) return {"ok", ""};
  return {std::string(cartcore::errorCodeName(parsed.error().code)), parsed.error().pointer};
}

std::string nestedArrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string zerosPointer(std::size_t n) {
  std::string pointer;
  for (std::size_t i = 0; i < n; ++i) pointer += "/0";
  return pointer;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_reader)

BOOST_AUTO_TEST_CASE(parses_what_nlohmann_parses) {
  const std::string text = R"({"a":[1,-2,3.5,"x\u00e9",true,false,null,{"b":{}},[]],"big":18446744073709551615})";
  auto parsed = cartcore::parseStrictJson(text, {1 << 20});
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(parsed.value() == json::parse(text));
  BOOST_TEST(parsed.value().dump() == json::parse(text).dump());
  BOOST_TEST(cartcore::parseStrictJson("7", {1}).value() == json(7));
  BOOST_TEST((errorOfText("1e400") == Expected{"malformed_json", ""}));  // no JSON number reader can hold it
}

BOOST_AUTO_TEST_CASE(size_limit_is_checked_before_parsing) {
  BOOST_TEST((errorOfText("[1]") == Expected{"ok", ""}));
  auto parsed = cartcore::parseStrictJson("[1, 2]", {5});
  BOOST_REQUIRE(!parsed.ok());
  BOOST_TEST(cartcore::errorCodeName(parsed.error().code) == "payload_too_large");
  BOOST_TEST(cartcore::parseStrictJson("[1,2]", {5}).ok());
}

BOOST_AUTO_TEST_CASE(malformed_text_is_refused) {
  for (const char* bad : {"", " ", "{", "[1,]", "{\"a\" 1}", "[1] [2]", "\xff\xfe", "\"\xc3\"", "{\"a\":1,}", "nul", "01"}) {
    BOOST_TEST_CONTEXT("text " << bad) { BOOST_TEST((errorOfText(bad) == Expected{"malformed_json", ""})); }
  }
}

BOOST_AUTO_TEST_CASE(repeated_keys_are_refused_at_their_pointer) {
  BOOST_TEST((errorOfText(R"({"a":1,"a":2})") == Expected{"duplicate_id", "/a"}));
  BOOST_TEST((errorOfText(R"({"x":[{"k":1},{"k":1,"j~/":0,"j~/":1}]})") == Expected{"duplicate_id", "/x/1/j~0~1"}));
  BOOST_TEST((errorOfText(R"({"a":{"a":{"a":1}}})") == Expected{"ok", ""}));  // the same key at different levels
  BOOST_TEST((errorOfText(R"([{"a":1},{"a":2}])") == Expected{"ok", ""}));    // and in sibling objects
  // The first violation in text order wins: here the repeat comes before the syntax error.
  BOOST_TEST((errorOfText(R"({"a":1,"a":2,]})") == Expected{"duplicate_id", "/a"}));
  // Except that a document never closed is refused as such before it is read (see unclosed_documents_...).
  BOOST_TEST((errorOfText(R"({"a":1,"a":2,)") == Expected{"malformed_json", ""}));
}

BOOST_AUTO_TEST_CASE(many_distinct_keys_are_accepted) {
  std::string text = "{";
  for (int i = 0; i < 20000; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  text += "}";
  auto parsed = cartcore::parseStrictJson(text, {1 << 20});
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(parsed.value().size() == 20000u);
  BOOST_TEST((errorOfText(text.substr(0, text.size() - 1) + ",\"k19999\":0}") == Expected{"duplicate_id", "/k19999"}));
}

BOOST_AUTO_TEST_CASE(long_keys_are_refused_at_their_object) {
  const std::string longest(cartcore::kMaxJsonKeyBytes, 'k');
  const std::string tooLong(cartcore::kMaxJsonKeyBytes + 1, 'k');
  BOOST_TEST((errorOfText("{\"" + longest + "\":1}") == Expected{"ok", ""}));
  BOOST_TEST((errorOfText("{\"" + tooLong + "\":1}") == Expected{"out_of_range", ""}));
  // The pointer names the object holding the key, through keys and indexes, never the key itself.
  BOOST_TEST((errorOfText(R"({"a~":[0,{"b/":{")" + tooLong + R"(":1}}]})") == Expected{"out_of_range", "/a~0/1/b~1"}));
  BOOST_TEST((errorOfText(R"([{"x":1},{")" + tooLong + R"(":{}}])") == Expected{"out_of_range", "/1"}));
  // Bytes, not characters: 67 three-byte characters are 201 bytes.
  std::string euros;
  for (int i = 0; i < 67; ++i) euros += "\xe2\x82\xac";
  BOOST_TEST((errorOfText("{\"" + euros + "\":1}") == Expected{"out_of_range", ""}));
  BOOST_TEST((errorOfText("{\"" + euros.substr(3) + "\":1}") == Expected{"ok", ""}));
  // Long string values are not keys.
  BOOST_TEST((errorOfText("{\"a\":\"" + std::string(100000, 'v') + "\"}") == Expected{"ok", ""}));
  // The first violation in text order still wins.
  BOOST_TEST((errorOfText(R"({"a":1,"a":2,")" + tooLong + R"(":1})") == Expected{"duplicate_id", "/a"}));
  BOOST_TEST((errorOfText(R"({")" + tooLong + R"(":1,"a":1,"a":2})") == Expected{"out_of_range", ""}));
  // The limit is the caller's to set.
  BOOST_TEST(cartcore::parseStrictJson(R"({"abcd":1})", {100, 64, SIZE_MAX, 4}).ok());
  BOOST_TEST(!cartcore::parseStrictJson(R"({"abcde":1})", {100, 64, SIZE_MAX, 4}).ok());
}

BOOST_AUTO_TEST_CASE(a_one_mebibyte_key_costs_a_short_answer) {
  auto engine = cartcore::Engine::compile(teeStore().dump());
  BOOST_REQUIRE(engine.ok());
  const std::string request = R"({"currency":"USD","now":"2026-11-27T09:30:00Z","lines":[],"stock":{")" +
                              std::string(cartcore::kMaxRequestBytes - 100, 'k') + R"(":1}})";
  const std::string answer = engine.value().quoteJson(request);
  BOOST_TEST(answer.size() < 400u);  // neither the pointer nor the message quotes the key
  json response = json::parse(answer);
  BOOST_TEST(response["error"]["code"] == "out_of_range");
  BOOST_TEST(response["error"]["pointer"] == "/stock");
}

BOOST_AUTO_TEST_CASE(value_count_is_limited) {
  BOOST_TEST(cartcore::parseStrictJson("[1,2,3]", {100, 64, 4}).ok());  // the array and its three numbers
  auto parsed = cartcore::parseStrictJson("[1,2,3,4]", {100, 64, 4});
  BOOST_REQUIRE(!parsed.ok());
  BOOST_TEST(cartcore::errorCodeName(parsed.error().code) == "payload_too_large");
  BOOST_TEST(cartcore::parseStrictJson(R"({"a":{},"b":[]})", {100, 64, 3}).ok());
  BOOST_TEST(!cartcore::parseStrictJson(R"({"a":{},"b":[[]]})", {100, 64, 3}).ok());
  // A config is capped at kMaxConfigValues whatever its byte size.
  std::string many = "[0";
  for (std::size_t i = 0; i < cartcore::kMaxConfigValues; ++i) many += ",0";
  json response = json::parse(cartcore::validateConfigJson(many + "]"));
  BOOST_TEST(response["error"]["code"] == "payload_too_large");
}

BOOST_AUTO_TEST_CASE(nesting_is_limited_and_named) {
  BOOST_TEST((errorOfText(nestedArrays(64)) == Expected{"ok", ""}));
  BOOST_TEST((errorOfText(nestedArrays(65)) == Expected{"invalid_value", zerosPointer(64)}));
  BOOST_TEST((errorOfText(R"({"a":[1,{"b~":[[[]]]}]})", 4) == Expected{"invalid_value", "/a/1/b~0/0"}));
  BOOST_TEST((errorOfText(R"({"a":[1,{"b~":[[[]]]}]})", 6) == Expected{"ok", ""}));
  BOOST_TEST((errorOfText("[[],[],[[]]]", 2) == Expected{"invalid_value", "/2/0"}));
  // Far past the limit, and unclosed: refused at the 65th level without reading (or holding) the rest.
  BOOST_TEST((errorOfText(std::string(80000, '[')) == Expected{"invalid_value", zerosPointer(64)}));
  BOOST_TEST((errorOfText(std::string(200000, '{')) == Expected{"malformed_json", ""}));  // a key must follow "{"
  std::string deepObjects;
  for (int i = 0; i < 80000; ++i) deepObjects += "{\"k\":";
  BOOST_TEST(errorOfText(deepObjects).first == "invalid_value");
  BOOST_TEST(errorOfText(deepObjects).second.size() == 64 * 2);  // "/k" sixty-four times
}

BOOST_AUTO_TEST_CASE(unclosed_documents_are_refused_before_parsing) {
  // Brackets and braces inside strings are text, closed or not.
  BOOST_TEST((errorOfText(R"({"a":"[[[{{{"})") == Expected{"ok", ""}));
  BOOST_TEST((errorOfText(R"(["]]]}}}"])") == Expected{"ok", ""}));
  BOOST_TEST((errorOfText(R"({"a":"]"})") == Expected{"ok", ""}));
  BOOST_TEST((errorOfText(R"({"a":"[")") == Expected{"malformed_json", ""}));
  // An escaped quote does not end a string, an escaped backslash does not escape the quote after it.
  BOOST_TEST((errorOfText(R"({"a":"\"]"})") == Expected{"ok", ""}));
  BOOST_TEST((errorOfText(R"({"a":"\\"})") == Expected{"ok", ""}));
  BOOST_TEST((errorOfText(R"({"a":"\\\"[\\"})") == Expected{"ok", ""}));
  BOOST_TEST((errorOfText(R"({"a":"\"})") == Expected{"malformed_json", ""}));  // the string never ends
  BOOST_TEST((errorOfText(R"({"a":"x\)") == Expected{"malformed_json", ""}));   // ends on a lone backslash
  BOOST_TEST((errorOfText(R"({"\u005b":"\u005d"})") == Expected{"ok", ""}));
  // Closed against unclosed, at every level up to the limit and just past it.
  for (std::size_t depth : {std::size_t{1}, std::size_t{2}, std::size_t{63}, std::size_t{64}}) {
    BOOST_TEST_CONTEXT("depth " << depth) {
      BOOST_TEST((errorOfText(nestedArrays(depth)) == Expected{"ok", ""}));
      BOOST_TEST((errorOfText(nestedArrays(depth).substr(0, 2 * depth - 1)) == Expected{"malformed_json", ""}));
      BOOST_TEST((errorOfText(std::string(depth, '[')) == Expected{"malformed_json", ""}));
    }
  }
  // Past the limit the parser still names the first deeper container, closed or not.
  BOOST_TEST((errorOfText(nestedArrays(65)) == Expected{"invalid_value", zerosPointer(64)}));
  BOOST_TEST((errorOfText(std::string(65, '[')) == Expected{"invalid_value", zerosPointer(64)}));
  BOOST_TEST((errorOfText("[[[]]", 2) == Expected{"invalid_value", "/0/0"}));
  // Stray closers are left to the parser; so is text whose brackets balance but do not match.
  BOOST_TEST((errorOfText("[]]") == Expected{"malformed_json", ""}));
  BOOST_TEST((errorOfText("]") == Expected{"malformed_json", ""}));
  BOOST_TEST((errorOfText("[}") == Expected{"malformed_json", ""}));
  BOOST_TEST((errorOfText(R"({"a":1,"a":2}])") == Expected{"duplicate_id", "/a"}));
  // The worst case: a 1 MiB request of `[],` never closed holds far fewer than the value limit, and is refused.
  std::string unclosed = "[";
  while (unclosed.size() < (1u << 20) - 8) unclosed += "[],";
  BOOST_TEST((errorOfText(unclosed) == Expected{"malformed_json", ""}));
  BOOST_TEST((errorOfText(unclosed + "[]]") == Expected{"ok", ""}));
}

BOOST_AUTO_TEST_CASE(a_document_is_released_children_first) {
  // Wide, deep and mixed: every container is emptied, the root last, and nothing is freed twice (the sanitizer lane
  // runs this test under ASan, which also reports anything left unfreed).
  std::string text = R"({"wide":{)";
  for (int i = 0; i < 5000; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + R"(":[)" + std::to_string(i) + R"(,{"x":"a long string that does not fit in place"}])";
  text += R"(},"deep":)" + nestedArrays(60) + R"(,"empty":{},"scalar":"s"})";
  auto parsed = cartcore::parseStrictJson(text, {1 << 20});
  BOOST_REQUIRE(parsed.ok());
  json document = std::move(parsed).value();
  BOOST_TEST(document["wide"].size() == 5000u);
  cartcore::releaseDocument(document);
  BOOST_TEST(document.is_object());
  BOOST_TEST(document.empty());
  // Scalars and empty containers are left as they are.
  for (json value : {json(7), json("text"), json(nullptr), json::object(), json::array()}) {
    const json before = value;
    cartcore::releaseDocument(value);
    BOOST_TEST(value == before);
  }
  // What the engine reads is released the same way, whether the read succeeds or is refused part-way.
  auto engine = cartcore::Engine::compile(teeStore().dump());
  BOOST_REQUIRE(engine.ok());
  std::string refused = R"({"currency":"USD","now":"2026-11-27T09:30:00Z","lines":[],"stock":{"a":[[{}]],"b":{"c":[1,2]},"a":1}})";
  BOOST_TEST(json::parse(engine.value().quoteJson(refused))["error"]["pointer"] == "/stock/a");
}

BOOST_AUTO_TEST_CASE(engine_requests_and_configs_use_the_same_rules) {
  auto engine = cartcore::Engine::compile(teeStore().dump());
  BOOST_REQUIRE(engine.ok());
  std::string deep = R"({"currency":"USD","now":"2026-11-27T09:30:00Z","lines":[],"stock":)" + std::string(100000, '[');
  json response = json::parse(engine.value().quoteJson(deep));
  BOOST_TEST(response["error"]["code"] == "invalid_value");
  BOOST_TEST(response["error"]["pointer"] == "/stock" + zerosPointer(63));
  json config = json::parse(cartcore::validateConfigJson(R"({"schemaVersion":1,"store":)" + nestedArrays(70) + "}"));
  BOOST_TEST(config["error"]["code"] == "invalid_value");
  BOOST_TEST(config["error"]["pointer"] == "/store" + zerosPointer(63));
}

BOOST_AUTO_TEST_SUITE_END()
