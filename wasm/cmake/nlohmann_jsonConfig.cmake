# SPDX-License-Identifier: MIT
# Debian's nlohmann_json package config, seen by the Emscripten build (CMakePresets.json "wasm" points
# nlohmann_json_DIR here). The stock config cannot be used under Emscripten: its target exports
# `-isystem /usr/include`, which would put the host's glibc headers ahead of Emscripten's sysroot libc.
# This shim stages only the header-only nlohmann/ tree into the build directory and exports that.
set(CARTCORE_HOST_NLOHMANN_INCLUDE "/usr/include" CACHE PATH "Host directory holding nlohmann/json.hpp (Debian nlohmann-json3-dev)")
if(NOT EXISTS "${CARTCORE_HOST_NLOHMANN_INCLUDE}/nlohmann/json.hpp")
  set(nlohmann_json_FOUND FALSE)
  set(nlohmann_json_NOT_FOUND_MESSAGE "nlohmann/json.hpp not under ${CARTCORE_HOST_NLOHMANN_INCLUDE}; apt-get install nlohmann-json3-dev")
  return()
endif()
if(NOT TARGET nlohmann_json::nlohmann_json)
  set(_cartcore_nlohmann_stage "${CMAKE_BINARY_DIR}/_deps/nlohmann-include")
  file(COPY "${CARTCORE_HOST_NLOHMANN_INCLUDE}/nlohmann" DESTINATION "${_cartcore_nlohmann_stage}")
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_cartcore_nlohmann_stage}")
endif()
