// response_writer.h: byte-exact replies, as memcached 1.6.18 sends them
// (texts checked on the wire with tests/testing/mc_probe.py).
#include "protocol/response_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace shoal::protocol {
namespace {

static_assert(reply_sink<std::string>);
static_assert(reply_sink<string_sink>);

// Counts appends, to check that small replies leave in one piece.
struct counting_sink {
  std::string data;
  int appends = 0;
  void append(const char* p, size_t n) {
    data.append(p, n);
    ++appends;
  }
};

TEST(ResponseWriterTest, ValueBlock) {
  std::string out;
  write_value(out, "foo", 5, "bar");
  write_end(out);
  EXPECT_EQ(out, "VALUE foo 5 3\r\nbar\r\nEND\r\n");
}

TEST(ResponseWriterTest, ValueBlockWithCas) {
  std::string out;
  write_value(out, "k", 4294967295u, "", UINT64_MAX);
  EXPECT_EQ(out, "VALUE k 4294967295 0 18446744073709551615\r\n\r\n");
}

TEST(ResponseWriterTest, SmallValueIsOneAppendLargeIsThree) {
  counting_sink small;
  write_value(small, "k", 0, std::string(256, 'v'), 7);
  EXPECT_EQ(small.appends, 1);
  EXPECT_EQ(small.data, "VALUE k 0 256 7\r\n" + std::string(256, 'v') + "\r\n");
  counting_sink large;
  write_value(large, std::string(250, 'k'), 1, std::string(257, 'v'));
  EXPECT_EQ(large.appends, 3);
  EXPECT_EQ(large.data,
            "VALUE " + std::string(250, 'k') + " 1 257\r\n" + std::string(257, 'v') + "\r\n");
}

TEST(ResponseWriterTest, BinaryValueIsCopiedByLength) {
  const std::string value("a\0\r\nb", 5);
  std::string out;
  write_value(out, "k", 0, value);
  EXPECT_EQ(out, std::string("VALUE k 0 5\r\na\0\r\nb\r\n", 20));
}

TEST(ResponseWriterTest, OverlongKeyIsStillWrittenWhole) {
  const std::string key(300, 'k');
  std::string out;
  write_value(out, key, 2, "v", 3);
  EXPECT_EQ(out, "VALUE " + key + " 2 1 3\r\nv\r\n");
}

TEST(ResponseWriterTest, ValueHeaderForScatterGather) {
  std::string out;
  write_value_header(out, "key", 9, 1048576);
  write_value_header(out, "key", 9, 0, 42);
  write_crlf(out);
  EXPECT_EQ(out, "VALUE key 9 1048576\r\nVALUE key 9 0 42\r\n\r\n");
}

TEST(ResponseWriterTest, FixedReplies) {
  const std::vector<std::pair<reply, std::string>> cases = {
      {reply::stored, "STORED"},
      {reply::not_stored, "NOT_STORED"},
      {reply::exists, "EXISTS"},
      {reply::not_found, "NOT_FOUND"},
      {reply::deleted, "DELETED"},
      {reply::touched, "TOUCHED"},
      {reply::ok, "OK"},
      {reply::end, "END"},
      {reply::reset, "RESET"},
      {reply::error, "ERROR"},
      {reply::object_too_large, "SERVER_ERROR object too large for cache"},
      {reply::out_of_memory_storing, "SERVER_ERROR out of memory storing object"},
      {reply::out_of_memory, "SERVER_ERROR out of memory"},
      {reply::out_of_memory_get, "SERVER_ERROR out of memory writing get response"},
      {reply::non_numeric_value, "CLIENT_ERROR cannot increment or decrement non-numeric value"},
      {reply::too_many_connections, "ERROR Too many open connections"},
      {reply::shutdown_not_enabled, "ERROR: shutdown not enabled"},
      {reply::flush_all_not_allowed, "CLIENT_ERROR flush_all not allowed"},
      {reply::auth_failure, "CLIENT_ERROR authentication failure"},
      {reply::memlimit_too_small, "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m"},
      {reply::memlimit_not_megabytes, "MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes"},
      {reply::memlimit_adjust_failed, "MEMLIMIT_ADJUST_FAILED out of bounds or unable to adjust"},
  };
  for (const auto& [r, text] : cases) {
    counting_sink out;
    write_reply(out, r);
    EXPECT_EQ(out.data, text + "\r\n");
    EXPECT_EQ(out.appends, 1);
  }
}

TEST(ResponseWriterTest, ClientErrorsFromTheParser) {
  std::string out;
  write_client_error(out, client_error::bad_command_line_format);
  write_client_error(out, client_error::delete_usage);
  write_client_error(out, client_error::bad_data_chunk);
  write_client_error(out, client_error::invalid_delta);
  write_client_error(out, client_error::invalid_exptime);
  write_client_error(out, client_error::error);
  EXPECT_EQ(out,
            "CLIENT_ERROR bad command line format\r\n"
            "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n"
            "CLIENT_ERROR bad data chunk\r\n"
            "CLIENT_ERROR invalid numeric delta argument\r\n"
            "CLIENT_ERROR invalid exptime argument\r\n"
            "ERROR\r\n");
}

TEST(ResponseWriterTest, Numbers) {
  const std::vector<std::pair<uint64_t, std::string>> cases = {
      {0, "0"},
      {7, "7"},
      {10, "10"},
      {99, "99"},
      {100, "100"},
      {101, "101"},
      {999, "999"},
      {1000, "1000"},
      {4294967295u, "4294967295"},
      {9223372036854775808u, "9223372036854775808"},
      {UINT64_MAX, "18446744073709551615"},
  };
  for (const auto& [v, text] : cases) {
    std::string out;
    write_number(out, v);
    EXPECT_EQ(out, text + "\r\n");
  }
  for (uint64_t v = 1, p = 0; p < 19; ++p, v *= 10) {
    std::string out;
    write_number(out, v - 1);
    EXPECT_EQ(out, std::to_string(v - 1) + "\r\n");
    out.clear();
    write_number(out, v);
    EXPECT_EQ(out, std::to_string(v) + "\r\n");
  }
}

TEST(ResponseWriterTest, VersionAndStats) {
  std::string out;
  write_version(out, "1.6.18");
  write_stat(out, "pid", 1234);
  write_stat(out, "uptime", uint32_t{5});
  write_stat(out, "delta", int64_t{-42});
  write_stat(out, "min", std::numeric_limits<int64_t>::min());
  write_stat(out, "bytes", UINT64_MAX);
  write_stat(out, "rusage_user", "0.012345");
  write_line(out, "STAT sizes_status disabled");
  write_end(out);
  EXPECT_EQ(out,
            "VERSION 1.6.18\r\n"
            "STAT pid 1234\r\n"
            "STAT uptime 5\r\n"
            "STAT delta -42\r\n"
            "STAT min -9223372036854775808\r\n"
            "STAT bytes 18446744073709551615\r\n"
            "STAT rusage_user 0.012345\r\n"
            "STAT sizes_status disabled\r\n"
            "END\r\n");
}

TEST(ResponseWriterTest, LongLineIsWrittenWhole) {
  std::string out;
  write_line(out, std::string(500, 'x'));
  EXPECT_EQ(out, std::string(500, 'x') + "\r\n");
}

// A sink that lends its memory (prepare/commit), like the server's reply buffer.
struct direct_string_sink {
  std::string data;
  size_t used = 0;
  size_t appends = 0;
  void append(const char* p, size_t n) {
    data.resize(used);
    data.append(p, n);
    used += n;
    ++appends;
  }
  char* prepare(size_t n) {
    data.resize(used + n);
    return data.data() + used;
  }
  void commit(size_t n) { used += n; }
  std::string text() const { return data.substr(0, used); }
};
static_assert(direct_sink<direct_string_sink>);
static_assert(!direct_sink<string_sink>);

TEST(ResponseWriterTest, DirectSinkGetsTheSameBytesWrittenInPlace) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{100}, size_t{256}, size_t{257}, size_t{70000}}) {
    const std::string value(size, 'v');
    const uint64_t cas = 1234567890123ull;
    string_sink staged;
    direct_string_sink direct;
    write_value(staged, "key", 42, value);
    write_value(direct, "key", 42, value);
    write_value(staged, "key", 7, value, cas);
    write_value(direct, "key", 7, value, cas);
    EXPECT_EQ(direct.text(), staged.data) << size;
    EXPECT_EQ(direct.appends, 0u) << size;
  }
}

}  // namespace
}  // namespace shoal::protocol
