// SPDX-License-Identifier: MIT
// Inside the core, bad input unwinds as InputError; every public entry point catches it and returns a Result.
#pragma once

#include <exception>
#include <string>

#include "cartcore/result.hpp"

namespace cartcore {

struct InputError : std::exception {
  explicit InputError(Error e) : error(std::move(e)) {}
  const char* what() const noexcept override { return error.message.c_str(); }
  Error error;
};

[[noreturn]] inline void fail(ErrorCode code, std::string pointer, std::string message) {
  throw InputError(Error{code, std::move(pointer), std::move(message)});
}

/** Fatal internal invariant, distinct from user errors: a broken one is a Cartcore bug. */
#define CARTCORE_ASSERT(cond)                                                            \
  do {                                                                                   \
    if (!(cond)) ::cartcore::fail(::cartcore::ErrorCode::Internal, "", "internal invariant failed: " #cond); \
  } while (0)

}  // namespace cartcore
