// Pieces of the command-line parser shared by its .cc files; not for use
// outside src/server/config*.cc.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/config.h"
#include "server/startup_error.h"

namespace shoal::server::detail {

// What the -o sub-options leave for the checks that run after every flag is
// read (memcached checks hot_lru_pct + warm_lru_pct only at the end).
struct extended_state {
  int hot_lru_pct = 20;
  int warm_lru_pct = 40;
};

// Applies one -o argument, a comma-separated list of name[=value]. Sets what
// Shoal acts on in *cfg, validates the rest as memcached does, and adds one
// warning per ignored sub-option to *warnings. Returns the first refusal.
std::optional<startup_error> apply_extended_options(std::string_view argument, config* cfg,
                                                    extended_state* state,
                                                    std::vector<std::string>* warnings);

// The text -i prints.
std::string license_text();

}  // namespace shoal::server::detail
