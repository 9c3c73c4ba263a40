// SPDX-License-Identifier: MIT
#include "storage.hpp"

namespace cartcore::server {

std::string_view holdStatusName(HoldStatus status) {
  switch (status) {
    case HoldStatus::Active: return "active";
    case HoldStatus::Released: return "released";
    case HoldStatus::Expired: return "expired";
    case HoldStatus::Committed: return "committed";
  }
  return "active";
}

HoldStatus parseHoldStatus(std::string_view text) {
  if (text == "active") return HoldStatus::Active;
  if (text == "released") return HoldStatus::Released;
  if (text == "expired") return HoldStatus::Expired;
  return HoldStatus::Committed;
}

}  // namespace cartcore::server
