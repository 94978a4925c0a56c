// Helpers shared by the runtime and net tests (not part of the library).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "runtime/smp.h"
#include "runtime/task.h"

namespace shoal::testing {

// The backends this machine allows; tests are instantiated once per entry.
inline std::vector<reactor_backend_kind> available_backends() {
  std::vector<reactor_backend_kind> kinds{reactor_backend_kind::epoll};
  if (smp::backend_available(reactor_backend_kind::io_uring)) {
    kinds.push_back(reactor_backend_kind::io_uring);
  }
  return kinds;
}

inline std::string backend_name(const ::testing::TestParamInfo<reactor_backend_kind>& info) {
  return to_string(info.param);
}

// A backend plus the io_uring receive mode, for the I/O tests.
struct backend_variant {
  reactor_backend_kind kind;
  bool multishot_recv = false;
};

inline std::vector<backend_variant> io_backend_variants() {
  std::vector<backend_variant> variants;
  for (reactor_backend_kind kind : available_backends()) {
    variants.push_back({kind, false});
    if (kind == reactor_backend_kind::io_uring) variants.push_back({kind, true});
  }
  return variants;
}

inline std::string variant_name(const ::testing::TestParamInfo<backend_variant>& info) {
  return std::string(to_string(info.param.kind)) + (info.param.multishot_recv ? "_multishot" : "");
}

// Runs `body` (a callable returning task<void>) as the main task of an smp
// with `shards` shards on `backend`.
template <typename Body>
void run_on_shards(unsigned shards, backend_variant backend, Body body) {
  smp_config config;
  config.shards = shards;
  config.backend = backend.kind;
  config.reactor.uring_multishot_recv = backend.multishot_recv;
  smp::run(config, [&]() -> task<int> {
    co_await body();
    co_return 0;
  });
}

template <typename Body>
void run_on_shards(unsigned shards, reactor_backend_kind backend, Body body) {
  run_on_shards(shards, backend_variant{backend, false}, std::move(body));
}

}  // namespace shoal::testing
