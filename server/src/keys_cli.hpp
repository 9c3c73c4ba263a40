// SPDX-License-Identifier: MIT
#pragma once

namespace cartcore::server {

/**
 * `cartcore-server keys create|list|revoke …`: manages API keys in the server's database, also while a server is
 * running on it. Prints JSON on stdout; returns the process exit code (0 ok, 1 failure, 2 usage).
 */
int runKeysCommand(int argc, char** argv);

}  // namespace cartcore::server
