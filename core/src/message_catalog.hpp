// SPDX-License-Identifier: MIT
// The message catalog (message_catalog.inc) and the one function that writes its sentences: a template in the
// quote's language with the facts of an Explanation filled in, appended straight to the caller's buffer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "explanation.hpp"
#include "locale.hpp"

namespace cartcore {

/** The template of a message in a language. */
std::string_view messageTemplate(Message message, Language language);

/** Appends the sentence explaining `why`, in `format`'s language. */
void appendMessage(std::string& out, const Explanation& why, const LocaleFormat& format);

/**
 * The placeholder names a template uses, sorted and unique ("count", "name", ...), or false when the template is
 * malformed: unbalanced braces, an unknown placeholder, or a plural that is not {count|one|other}.
 */
bool templatePlaceholders(std::string_view text, std::vector<std::string_view>& names);

}  // namespace cartcore
