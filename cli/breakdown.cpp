// SPDX-License-Identifier: MIT
#include "breakdown.hpp"

#include <sstream>

namespace cartcore::cli {

std::string renderBreakdown(const nlohmann::json& response) {
  std::ostringstream out;
  if (!response.value("ok", false)) {
    const auto& e = response["error"];
    out << "error " << e["code"].get<std::string>() << " at \"" << e["pointer"].get<std::string>() << "\": "
        << e["message"].get<std::string>() << "\n";
    return out.str();
  }
  const auto& q = response["quote"];
  const std::string currency = q["currency"];
  for (const auto& line : q["lines"]) {
    out << line["quantity"].get<int64_t>() << " x " << line["name"].get<std::string>() << " (" << line["sku"].get<std::string>()
        << ") @ " << line["listUnitPrice"].get<std::string>() << " = " << line["listTotal"].get<std::string>() << "\n";
    for (const auto& a : line["adjustments"]) {
      out << "    " << a["amount"].get<std::string>() << "  " << a["name"].get<std::string>() << " [" << a["source"].get<std::string>()
          << " " << a["id"].get<std::string>() << "]\n";
    }
    if (line.contains("lowStock")) out << "    only " << line["lowStock"]["remaining"].get<int64_t>() << " left\n";
    out << "    line total " << line["total"].get<std::string>() << "\n";
  }
  const auto& t = q["totals"];
  out << "list subtotal      " << t["listSubtotal"].get<std::string>() << " " << currency << "\n"
      << "price-rule savings " << t["priceRuleSavings"].get<std::string>() << "\n"
      << "promotion savings  " << t["promotionSavings"].get<std::string>() << "\n"
      << "total              " << t["total"].get<std::string>() << " " << currency << "\n";
  if (q.contains("shipping")) {
    const auto& s = q["shipping"];
    out << "shipping           " << s["amount"].get<std::string>() << " " << currency << " (" << s["name"].get<std::string>()
        << (s.contains("freeBy") ? ", free by " + s["freeBy"].get<std::string>() : std::string()) << ")\n";
  }
  if (q.contains("tax")) {
    for (const auto& r : q["tax"]["rates"]) {
      // A rate's name often carries its percent already ("MwSt. 19%"): say it once.
      const std::string name = r["name"], percent = r["percent"].get<std::string>() + "%";
      const bool named = name.find(percent) != std::string::npos ||
                         name.find(r["percent"].get<std::string>() + " %") != std::string::npos;
      out << "tax " << name << " " << (named ? "" : percent + " ") << r["amount"].get<std::string>()
          << (q["tax"]["included"].get<bool>() ? " (included)" : "") << "\n";
    }
  }
  if (t.contains("grandTotal")) out << "grand total        " << t["grandTotal"].get<std::string>() << " " << currency << "\n";
  if (q.contains("margin")) {
    for (const auto& c : q["margin"]["clamps"]) out << "  clamp " << c["line"].get<std::string>() << ": " << c["message"].get<std::string>() << "\n";
    if (q["margin"].contains("order") && !q["margin"]["order"].is_null()) {
      out << "margin " << q["margin"]["order"]["margin"].get<std::string>() << " (" << q["margin"]["order"]["percent"].get<std::string>() << "%)\n";
    }
  }
  if (q.contains("bestDeal")) {
    out << "best deal:";
    for (const auto& code : q["bestDeal"]["chosen"]["codes"]) out << " " << code.get<std::string>();
    out << " = " << q["bestDeal"]["chosen"]["total"].get<std::string>() << " " << currency << "\n";
  }
  if (q.contains("nudges")) {
    for (const auto& n : q["nudges"]) out << "  nudge: " << n["message"].get<std::string>() << "\n";
  }
  if (q.contains("warnings")) {
    for (const auto& w : q["warnings"]) out << "  warning " << w["code"].get<std::string>() << ": " << w["message"].get<std::string>() << "\n";
  }
  if (!q["freeShipping"].is_null()) out << "free shipping by " << q["freeShipping"]["promotion"].get<std::string>() << "\n";
  for (const char* kind : {"priceRules", "promotions"}) {
    for (const char* group : {"applied", "notApplied"}) {
      for (const auto& o : q[kind][group]) {
        out << (std::string(group) == "applied" ? "  + " : "  - ") << o["name"].get<std::string>() << " ("
            << o["reason"].get<std::string>() << "): " << o["message"].get<std::string>() << "\n";
      }
    }
  }
  for (const auto& c : q["coupons"]) {
    out << "  code " << c["code"].get<std::string>() << ": " << c["status"].get<std::string>() << " - " << c["message"].get<std::string>() << "\n";
  }
  out << "digest " << q["digest"].get<std::string>() << "\n";
  return out.str();
}

}  // namespace cartcore::cli
