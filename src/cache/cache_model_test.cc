// Randomized test: long random sequences of operations run against the cache
// and against a plain reference model (std::unordered_map, the same rules, no
// memory limit). Every value, flag, CAS outcome and incr result must agree.
//
// The cache may lose a key the model still has only by evicting it: when the
// cache's answer is explained by the key being absent, the model drops the key
// and the loss is counted, and at the end losses <= evictions (strictly zero
// when nothing was evicted). The seed is printed; SHOAL_CACHE_SEED=<seed>
// replays a run.
#include <gtest/gtest.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>

#include "cache/cache.h"
#include "cache/cache_test_util.h"

namespace shoal {
namespace {

struct model_item {
  std::string value;
  uint32_t flags = 0;
  cache_time expiry = k_never;
  uint64_t stamp = 0;  // write order, for flush_all
  uint64_t cas = 0;    // as last seen from the cache; 0 = not seen since the last write
};

// memcached's rules, written from its documentation and probes, independently
// of the cache's code.
struct model {
  std::unordered_map<std::string, model_item> items;
  uint64_t next_stamp = 1;
  uint64_t flush_stamp = 0;
  bool flush_pending = false;
  cache_time flush_deadline = 0;
  cache_time now = 0;
  int64_t epoch = 0;

  void advance(cache_time t) {
    now = t;
    if (flush_pending && now >= flush_deadline) {
      flush_pending = false;
      flush_stamp = next_stamp;
    }
  }
  model_item* live(const std::string& key) {
    auto it = items.find(key);
    if (it == items.end()) return nullptr;
    if (it->second.expiry <= now || it->second.stamp < flush_stamp) {
      items.erase(it);
      return nullptr;
    }
    return &it->second;
  }
  void write(const std::string& key, std::string value, uint32_t flags, cache_time expiry) {
    model_item& m = items[key];
    m = model_item{std::move(value), flags, expiry, next_stamp++, 0};
  }
  void flush(int64_t delay) {
    if (delay > 0) {
      const cache_time deadline = expiry_from_exptime(delay, now, epoch);
      if (deadline > now) {
        flush_pending = true;
        flush_deadline = deadline;
        return;
      }
    }
    flush_pending = false;
    flush_stamp = next_stamp;
  }
};

// memcached's safe_strtoull() over the item data, written with strtoull().
bool reference_counter(const std::string& value, uint64_t* out) {
  const char* s = value.c_str();
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (errno == ERANGE || end == s) return false;
  if (*end != '\0' && !std::isspace(static_cast<unsigned char>(*end))) return false;
  if (static_cast<long long>(v) < 0 && std::memchr(s, '-', static_cast<size_t>(end - s))) {
    return false;
  }
  *out = v;
  return true;
}

struct run_result {
  uint64_t losses = 0;
  cache_stats stats;
};

class model_runner {
 public:
  model_runner(const cache_config& config, int keys, uint64_t seed)
      : t_(config), rng_(seed), keys_(keys) {
    m_.epoch = config.clock_epoch_unix;
    m_.advance(t_.now);
  }

  run_result run(int ops) {
    for (int i = 0; i < ops; ++i) {
      step();
      if (::testing::Test::HasFatalFailure()) break;
      EXPECT_LE(t_.c.memory_used(), t_.c.config().memory_limit);
      if (i % 5000 == 0) t_.c.check_invariants();
    }
    t_.c.check_invariants();
    return {losses_, t_.c.stats()};
  }

 private:
  std::string random_key() { return "key:" + std::to_string(rng_() % keys_); }

  std::string random_value() {
    switch (rng_() % 10) {
      case 0:
      case 1:
      case 2:
        return std::to_string(rng_() % 100000);
      case 3:
        return std::string(" ") + std::to_string(rng_());
      case 4:
        return "abc";
      case 5:
        return std::string(rng_() % 6000, static_cast<char>('a' + rng_() % 26));
      default: {
        std::string v(rng_() % 300, '\0');
        for (char& c : v) c = static_cast<char>(rng_());
        return v;
      }
    }
  }

  int64_t random_exptime() {
    switch (rng_() % 12) {
      case 0:
        return -1;
      case 1:
      case 2:
        return static_cast<int64_t>(1 + rng_() % 20);
      case 3:
        return m_.epoch + m_.now + static_cast<int64_t>(rng_() % 30);
      case 4:
        return m_.epoch + m_.now - 5;
      default:
        return 0;
    }
  }

  bool fits(const std::string& key, size_t size) const {
    return t_.c.fits(key.size(), size) &&
           item_size_ok(key.size(), size, t_.c.config().max_item_size);
  }

  // The cache's answer says the key is absent while the model has it: allowed
  // only as an eviction, accounted at the end.
  void lost(const std::string& key) {
    ++losses_;
    m_.items.erase(key);
  }

  void check_view(const std::string& key, const item_view& v, model_item& m) {
    ASSERT_EQ(v.key, key);
    ASSERT_EQ(v.value, m.value) << key;
    ASSERT_EQ(v.client_flags, m.flags) << key;
    ASSERT_EQ(v.expiry, m.expiry) << key;
    if (!t_.c.config().cas_enabled) {
      ASSERT_EQ(v.cas, 0u);
    } else if (m.cas != 0) {
      ASSERT_EQ(v.cas, m.cas) << key;
    } else {
      ASSERT_GT(v.cas, last_cas_[key]) << key;  // a new write, a new and larger CAS
      m.cas = v.cas;
      last_cas_[key] = v.cas;
    }
  }

  void step() {
    if (rng_() % 50 == 0) {
      t_.now += static_cast<cache_time>(rng_() % 4);
      m_.advance(t_.now);
    }
    if (rng_() % 2000 == 0) {
      const int64_t delay = rng_() % 2 ? 0 : static_cast<int64_t>(rng_() % 30);
      t_.flush_all(delay);
      m_.flush(delay);
      return;
    }
    if (rng_() % 100 == 0) {
      t_.c.do_maintenance(t_.now, 1 + rng_() % 300);
      return;
    }
    const std::string key = random_key();
    model_item* m = m_.live(key);
    switch (rng_() % 12) {
      case 0:
      case 1:
        return do_get(key, m);
      case 2:
        return do_gat(key, m);
      case 3:
      case 4:
        return do_store(store_mode::set, key, m);
      case 5:
        return do_store(store_mode::add, key, m);
      case 6:
        return do_store(store_mode::replace, key, m);
      case 7:
        return do_store(rng_() % 2 ? store_mode::append : store_mode::prepend, key, m);
      case 8:
        return do_cas(key, m);
      case 9:
        return do_arith(key, m);
      case 10: {
        const delete_result r = t_.remove(key);
        if (m != nullptr && r == delete_result::not_found) return lost(key);
        ASSERT_EQ(r, m ? delete_result::deleted : delete_result::not_found) << key;
        m_.items.erase(key);
        return;
      }
      default: {
        const int64_t exptime = random_exptime();
        const touch_result r = t_.touch(key, exptime);
        if (m != nullptr && r == touch_result::not_found) return lost(key);
        ASSERT_EQ(r, m ? touch_result::touched : touch_result::not_found) << key;
        if (m) m->expiry = expiry_from_exptime(exptime, m_.now, m_.epoch);
        return;
      }
    }
  }

  void do_get(const std::string& key, model_item* m) {
    auto v = t_.get(key);
    if (m != nullptr && !v) return lost(key);
    ASSERT_EQ(v.has_value(), m != nullptr) << key;
    if (v) check_view(key, *v, *m);
  }

  void do_gat(const std::string& key, model_item* m) {
    const int64_t exptime = random_exptime();
    auto v = t_.gat(key, exptime);
    if (m != nullptr && !v) return lost(key);
    ASSERT_EQ(v.has_value(), m != nullptr) << key;
    if (!v) return;
    m->expiry = expiry_from_exptime(exptime, m_.now, m_.epoch);
    check_view(key, *v, *m);
  }

  void do_store(store_mode mode, const std::string& key, model_item* m) {
    const std::string value = random_value();
    const uint32_t flags = static_cast<uint32_t>(rng_());
    const int64_t exptime = random_exptime();
    const store_result r = t_.store(mode, key, value, flags, exptime);
    if (!fits(key, value.size())) {
      ASSERT_EQ(r, store_result::too_large);
      if (mode == store_mode::set) m_.items.erase(key);
      return;
    }
    const bool joins = mode == store_mode::append || mode == store_mode::prepend;
    // An append that would pass -I is refused whether or not the key exists.
    const bool join_fits = m == nullptr || fits(key, m->value.size() + value.size());
    const bool needs_item = mode == store_mode::replace || (joins && join_fits);
    if (m != nullptr && ((mode == store_mode::add && r == store_result::stored) ||
                         (needs_item && r == store_result::not_stored))) {
      lost(key);
      m = nullptr;
    }
    if (r == store_result::no_memory) {
      ASSERT_FALSE(t_.c.config().evictions);
      if (mode == store_mode::set) m_.items.erase(key);
      return;
    }
    switch (mode) {
      case store_mode::set:
        ASSERT_EQ(r, store_result::stored);
        break;
      case store_mode::add:
        ASSERT_EQ(r, m ? store_result::not_stored : store_result::stored) << key;
        if (m) return;
        break;
      case store_mode::replace:
        ASSERT_EQ(r, m ? store_result::stored : store_result::not_stored) << key;
        if (!m) return;
        break;
      default: {
        if (!m) {
          ASSERT_EQ(r, store_result::not_stored);
          return;
        }
        const std::string joined = mode == store_mode::append ? m->value + value : value + m->value;
        if (!fits(key, joined.size())) {
          ASSERT_EQ(r, store_result::not_stored);
          return;
        }
        ASSERT_EQ(r, store_result::stored) << key;
        m_.write(key, joined, m->flags, m->expiry);
        return;
      }
    }
    m_.write(key, value, flags, expiry_from_exptime(exptime, m_.now, m_.epoch));
  }

  void do_cas(const std::string& key, model_item* m) {
    uint64_t cas = rng_() % 3 == 0 ? rng_() : 0;
    if (m != nullptr && m->cas == 0 && t_.c.config().cas_enabled) {
      do_get(key, m);  // learn the current CAS
      if (::testing::Test::HasFatalFailure()) return;
      m = m_.live(key);
    }
    if (m != nullptr && rng_() % 3 != 0) cas = m->cas;
    const std::string value = random_value();
    const store_result r = t_.store(store_mode::cas, key, value, 7, 0, cas);
    if (!fits(key, value.size())) {
      ASSERT_EQ(r, store_result::too_large);
      return;
    }
    if (m != nullptr && r == store_result::not_found) return lost(key);
    if (r == store_result::no_memory) {
      ASSERT_FALSE(t_.c.config().evictions);
      return;
    }
    if (m == nullptr) {
      ASSERT_EQ(r, store_result::not_found) << key;
      return;
    }
    const bool match = t_.c.config().cas_enabled && cas == m->cas && cas != 0;
    ASSERT_EQ(r, match ? store_result::stored : store_result::exists) << key;
    if (match) m_.write(key, value, 7, k_never);
  }

  void do_arith(const std::string& key, model_item* m) {
    const bool incr = rng_() % 2;
    const uint64_t delta = rng_() % 4 == 0 ? rng_() : rng_() % 1000;
    const arith_result r = incr ? t_.incr(key, delta) : t_.decr(key, delta);
    if (m != nullptr && r.status == arith_status::not_found) return lost(key);
    if (m == nullptr) {
      ASSERT_EQ(r.status, arith_status::not_found) << key;
      return;
    }
    uint64_t v = 0;
    if (!reference_counter(m->value, &v)) {
      ASSERT_EQ(r.status, arith_status::non_numeric) << key;
      return;
    }
    if (r.status == arith_status::no_memory) {
      ASSERT_FALSE(t_.c.config().evictions);
      return;
    }
    ASSERT_EQ(r.status, arith_status::ok) << key;
    v = incr ? v + delta : (delta > v ? 0 : v - delta);
    ASSERT_EQ(r.value, v) << key;
    std::string digits = std::to_string(v);
    if (digits.size() < m->value.size()) digits.resize(m->value.size(), ' ');
    m_.write(key, digits, m->flags, m->expiry);
  }

  testing::cache_harness t_;
  model m_;
  std::mt19937_64 rng_;
  int keys_;
  uint64_t losses_ = 0;
  std::unordered_map<std::string, uint64_t> last_cas_;
};

// `keys` distinct keys: 300 fit in the smallest store, 3000 do not.
run_result run_model(const cache_config& config, int keys, int ops) {
  const uint64_t seed = testing::random_test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  model_runner runner(config, keys, seed);
  return runner.run(ops);
}

cache_config model_config(size_t memory_limit) {
  cache_config c = testing::small_config(memory_limit);
  c.max_item_size = 5000;  // some values are too large, appends too
  return c;
}

TEST(CacheModelTest, AgreesWithTheModelWhenNothingIsEvicted) {
  const run_result r = run_model(model_config(64u << 20), 300, 200000);
  EXPECT_EQ(r.stats.evictions, 0u);
  EXPECT_EQ(r.losses, 0u);
}

TEST(CacheModelTest, AgreesWithTheModelUnderEvictionLosingOnlyEvictedKeys) {
  const run_result r = run_model(model_config(k_min_memory_limit), 3000, 200000);
  EXPECT_GT(r.stats.evictions, 0u);
  EXPECT_LE(r.losses, r.stats.evictions);
}

TEST(CacheModelTest, AgreesWithTheModelWithEvictionsOffLosingNothing) {
  cache_config config = model_config(k_min_memory_limit);
  config.evictions = false;
  const run_result r = run_model(config, 3000, 200000);
  EXPECT_EQ(r.stats.evictions, 0u);
  EXPECT_EQ(r.losses, 0u);
  EXPECT_GT(r.stats.store_no_memory, 0u);
}

TEST(CacheModelTest, AgreesWithTheModelWithCasDisabledOnAThirdShard) {
  cache_config config = model_config(1u << 20);
  config.cas_enabled = false;
  config.shard_id = 2;
  config.shard_count = 3;
  const run_result r = run_model(config, 1000, 100000);
  EXPECT_LE(r.losses, r.stats.evictions);
}

}  // namespace
}  // namespace shoal
