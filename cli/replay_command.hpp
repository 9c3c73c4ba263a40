// SPDX-License-Identifier: MIT
#pragma once

namespace cartcore::cli {

/**
 * `cartcore replay --orders FILE... --draft FILE [--top N] [--threads N]`: prices every order of an orders export
 * (server GET /v1/admin/orders/export, NDJSON) under its own config version and under the draft, and prints the
 * replay report JSON. `args` are the arguments after "replay". Returns the process exit code.
 */
int runReplay(int argc, char** argv);

}  // namespace cartcore::cli
