// SPDX-License-Identifier: MIT
#include "whole_file.hpp"

#include <fstream>
#include <sstream>

namespace cartcore::cli {

bool readWholeFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return true;
}

}  // namespace cartcore::cli
