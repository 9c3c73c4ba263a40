# SPDX-License-Identifier: MIT
# The staged headers are Debian's, so Debian's version check answers for them (see nlohmann_jsonConfig.cmake).
include("/usr/share/cmake/nlohmann_json/nlohmann_jsonConfigVersion.cmake")
