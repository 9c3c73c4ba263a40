// SPDX-License-Identifier: MIT
// The cartcore CLI's exit codes, shared by every command: callers tell bad input from Cartcore's own failures
// without parsing output.
#pragma once

namespace cartcore::cli {

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInternal = 3;

}  // namespace cartcore::cli
