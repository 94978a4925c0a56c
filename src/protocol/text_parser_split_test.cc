// Every split point of every command: a request may reach the server cut at
// any byte, across any number of reads. For each input below, parsing it in
// one read gives the reference outcome; then it must give exactly the same
// outcome cut in two at every byte, cut in three at every pair of bytes
// (short inputs), and fed one byte at a time. For each single command, every
// proper prefix must be need_more with nothing consumed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/parser_harness.h"
#include "protocol/text_parser.h"

namespace shoal::protocol {
namespace {

struct split_case {
  std::string name;
  std::string input;
  bool authenticated = true;
};

std::string bytes(std::string_view s) { return std::string(s); }

std::vector<split_case> single_commands() {
  const std::string k250(250, 'k');
  const std::string k251(251, 'k');
  return {
      {"get", "get foo\r\n"},
      {"get_lf", "get foo\n"},
      {"get_multi", "get a bb ccc a\r\n"},
      {"gets", "gets a b\r\n"},
      {"gat", "gat 10 a b\r\n"},
      {"gats", "gats -1 a\r\n"},
      {"gat_no_keys", "gat 10\r\n"},
      {"bget", "bget a\r\n"},
      {"get_250", "get " + k250 + "\r\n"},
      {"get_251", "get a " + k251 + "\r\n"},
      {"set", "set k 1 2 3\r\nabc\r\n"},
      {"set_noreply", "set k 0 0 3 noreply\r\nabc\r\n"},
      {"set_empty", "set k 0 0 0\r\n\r\n"},
      {"set_binary", bytes(std::string_view("set k 0 0 6\r\n\r\n\0\n\r\x01\r\n", 21))},
      {"set_lf_line", "set k 0 0 1\nx\r\n"},
      {"add", "add k 0 0 1\r\nx\r\n"},
      {"replace", "replace k 0 0 1\r\nx\r\n"},
      {"append", "append k 0 0 1\r\nx\r\n"},
      {"prepend", "prepend k 0 0 1\r\nx\r\n"},
      {"cas", "cas k 0 0 1 12345\r\nx\r\n"},
      {"cas_noreply", "cas k 0 0 1 12345 noreply\r\nx\r\n"},
      {"bad_data_chunk", "set k 0 0 3\r\nabcXY"},
      {"bad_data_chunk_noreply", "set k 0 0 3 noreply\r\nabc\n\n"},
      {"delete", "delete k\r\n"},
      {"delete_0", "delete k 0\r\n"},
      {"delete_noreply", "delete k 0 noreply\r\n"},
      {"delete_usage", "delete k 5\r\n"},
      {"incr", "incr k 5\r\n"},
      {"decr_noreply", "decr k 18446744073709551615 noreply\r\n"},
      {"incr_bad_delta", "incr k -1\r\n"},
      {"touch", "touch k 100\r\n"},
      {"touch_bad", "touch k x\r\n"},
      {"flush_all", "flush_all\r\n"},
      {"flush_all_delay", "flush_all 30 noreply\r\n"},
      {"flush_all_bad", "flush_all abc\r\n"},
      {"version", "version\r\n"},
      {"verbosity", "verbosity 1\r\n"},
      {"verbosity_missing", "verbosity\r\n"},
      {"verbosity_noreply", "verbosity noreply\r\n"},
      {"quit", "quit\r\n"},
      {"stats", "stats\r\n"},
      {"stats_items", "stats items\r\n"},
      {"stats_cachedump", "stats cachedump 1 100\r\n"},
      {"shutdown", "shutdown graceful\r\n"},
      {"shutdown_bad", "shutdown now\r\n"},
      {"cache_memlimit", "cache_memlimit 100\r\n"},
      {"cache_memlimit_bad", "cache_memlimit x noreply\r\n"},
      {"blank", "\r\n"},
      {"blank_lf", "\n"},
      {"unknown", "bogus command\r\n"},
      {"upper_case", "GET a\r\n"},
      {"meta", "mg a v\r\n"},
      {"nul_in_line", bytes(std::string_view("get a\0b\r\n", 9))},
      {"tab", "get\ta\r\n"},
      {"storage_bad_line", "set k 0 0 -1\r\n"},
      {"storage_wrong_count", "set k 0 0\r\n"},
      {"auth", "set u 0 0 12\r\nalice secret\r\n", false},
      {"auth_unauthenticated", "get a\r\n", false},
      {"auth_bad_format", "set u 0 0 5\r\nalice\r\n", false},
      {"auth_bad_termination", "set u 0 0 5\r\nalicebo", false},
  };
}

// Inputs whose outcome is a close, a too-large store, or several commands.
std::vector<split_case> other_inputs() {
  std::string pipeline =
      "set a 0 0 1\r\n1\r\nget a b\r\ndelete a noreply\r\nincr n 5\r\nversion\r\n"
      "touch b 9\r\nappend a 0 0 2\r\nxy\r\ngets a\r\nbogus\r\nflush_all\r\n"
      "set a 0 0 5 noreply\r\nhelloXXset x 1 2 3\r\nabc\r\nquit\r\n";
  std::string long_get = "get";
  for (int i = 0; i < 300; ++i) long_get += " key_" + std::to_string(i);
  long_get += "\r\n";
  return {
      {"pipeline", pipeline},
      {"long_get", long_get},
      {"too_large_then_get", "set big 0 0 1048576\r\n" + std::string(1048578, 'z') + "get a\r\n"},
      {"too_large_noreply",
       "append big 0 0 2000000 noreply\r\n" + std::string(2000002, 'z') + "version\r\n"},
      {"malformed_line_value_parsed",
       "set " + std::string(251, 'k') + " 0 0 5\r\nhello\r\nget a\r\n"},
      {"http", "get a\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"line_too_long", "get a\r\n" + std::string(2100, 'x') + "\r\nget b\r\n"},
      {"set_line_too_long", "set a 0 0 1" + std::string(2100, ' ') + "\r\nx\r\n"},
      {"get_exempt", "get " + std::string(2500, 'k') + " a\r\nversion\r\n"},
      {"gat_not_exempt", "gat 1 " + std::string(2500, 'k') + "\r\n"},
      {"auth_then_commands", "get a\r\nset u 0 0 3\r\na b\r\nget a\r\nset a 0 0 1\r\nx\r\n", false},
      {"auth_line_too_long", std::string(2049, 'a'), false},
  };
}

std::vector<std::string> run(const split_case& c, const std::vector<std::string_view>& reads,
                             bool fast_paths = true) {
  parser_harness h(default_max_item_size, c.authenticated, fast_paths);
  for (std::string_view r : reads) h.feed(r);
  return h.events();
}

std::vector<std::string> run_whole(const split_case& c) { return run(c, {c.input}); }

void check_two_way_splits(const split_case& c) {
  const std::vector<std::string> whole = run_whole(c);
  const std::string_view in = c.input;
  for (size_t k = 0; k <= in.size(); ++k) {
    ASSERT_EQ(run(c, {in.substr(0, k), in.substr(k)}), whole) << c.name << " split at " << k;
    ASSERT_EQ(run(c, {in.substr(0, k), in.substr(k)}, /*fast_paths=*/false), whole)
        << c.name << " split at " << k << " without fast paths";
  }
}

void check_three_way_splits(const split_case& c) {
  const std::vector<std::string> whole = run_whole(c);
  const std::string_view in = c.input;
  for (size_t i = 1; i < in.size(); ++i) {
    for (size_t j = i; j < in.size(); ++j) {
      ASSERT_EQ(run(c, {in.substr(0, i), in.substr(i, j - i), in.substr(j)}), whole)
          << c.name << " split at " << i << " and " << j;
    }
  }
}

void check_byte_at_a_time(const split_case& c) {
  std::vector<std::string_view> reads;
  for (size_t i = 0; i < c.input.size(); ++i)
    reads.push_back(std::string_view(c.input).substr(i, 1));
  EXPECT_EQ(run(c, reads), run_whole(c)) << c.name;
}

TEST(TextParserSplitTest, EverySingleCommandParsesWholeAsOneCommand) {
  for (const split_case& c : single_commands()) {
    EXPECT_EQ(run_whole(c).size(), 1u) << c.name;
  }
}

TEST(TextParserSplitTest, FastPathsAgreeWithTheGeneralRoute) {
  for (const auto& cases : {single_commands(), other_inputs()}) {
    for (const split_case& c : cases) {
      EXPECT_EQ(run(c, {c.input}, /*fast_paths=*/false), run_whole(c)) << c.name;
    }
  }
}

TEST(TextParserSplitTest, EveryProperPrefixOfACommandNeedsMore) {
  for (const split_case& c : single_commands()) {
    text_parser parser;
    command cmd;
    size_t used = 0;
    const std::string_view in = c.input;
    for (size_t k = 0; k < in.size(); ++k) {
      const parse_status status = c.authenticated
                                      ? parser.parse(in.substr(0, k), &used, &cmd)
                                      : parser.parse_unauthenticated(in.substr(0, k), &used, &cmd);
      ASSERT_EQ(status, parse_status::need_more) << c.name << " prefix " << k;
      ASSERT_EQ(used, 0u) << c.name << " prefix " << k;
    }
    const parse_status status = c.authenticated ? parser.parse(in, &used, &cmd)
                                                : parser.parse_unauthenticated(in, &used, &cmd);
    ASSERT_EQ(status, parse_status::complete) << c.name;
    EXPECT_EQ(used, in.size()) << c.name;
    EXPECT_EQ(describe(cmd, SIZE_MAX), run_whole(c).at(0)) << c.name;
  }
}

TEST(TextParserSplitTest, EverySingleCommandSplitInTwoAtEveryByte) {
  for (const split_case& c : single_commands()) check_two_way_splits(c);
}

TEST(TextParserSplitTest, EverySingleCommandSplitInThreeAtEveryPairOfBytes) {
  for (const split_case& c : single_commands()) {
    if (c.input.size() <= 80) check_three_way_splits(c);
  }
}

TEST(TextParserSplitTest, EverySingleCommandFedOneByteAtATime) {
  for (const split_case& c : single_commands()) check_byte_at_a_time(c);
}

TEST(TextParserSplitTest, PipelinesClosesAndSwallowsSplitInTwoAtEveryByte) {
  for (const split_case& c : other_inputs()) {
    if (c.input.size() > 100000) continue;  // the megabyte inputs: see below
    check_two_way_splits(c);
  }
}

TEST(TextParserSplitTest, PipelinesClosesAndSwallowsFedOneByteAtATime) {
  for (const split_case& c : other_inputs()) {
    if (c.input.size() > 100000) continue;
    check_byte_at_a_time(c);
  }
}

TEST(TextParserSplitTest, TooLargeValueSplitAroundTheLineAndTheSwallow) {
  for (const split_case& c : other_inputs()) {
    if (c.input.size() <= 100000) continue;
    const std::vector<std::string> whole = run_whole(c);
    ASSERT_EQ(whole.size(), 2u) << c.name;
    const size_t line_end = c.input.find('\n') + 1;
    const std::string_view in = c.input;
    // Every byte of the line and of the tail, and a spread through the value.
    std::vector<size_t> cuts;
    for (size_t k = 0; k <= line_end + 4; ++k) cuts.push_back(k);
    for (size_t k = line_end; k < in.size(); k += 65521) cuts.push_back(k);
    for (size_t k = in.size() - 16; k <= in.size(); ++k) cuts.push_back(k);
    for (size_t k : cuts) {
      ASSERT_EQ(run(c, {in.substr(0, k), in.substr(k)}), whole) << c.name << " split at " << k;
    }
    // And in many 4 KiB reads, as a socket would deliver it.
    std::vector<std::string_view> reads;
    for (size_t at = 0; at < in.size(); at += 4096) reads.push_back(in.substr(at, 4096));
    EXPECT_EQ(run(c, reads), whole) << c.name;
  }
}

TEST(TextParserSplitTest, PipelineOutcomeIsTheConcatenationOfItsCommands) {
  std::string all;
  std::vector<std::string> expected;
  for (const split_case& c : single_commands()) {
    if (!c.authenticated || c.name == "quit") continue;
    all += c.input;
    for (const std::string& e : run_whole(c)) expected.push_back(e);
  }
  parser_harness h;
  h.feed(all);
  EXPECT_EQ(h.events(), expected);
  EXPECT_TRUE(h.pending().empty());
}

}  // namespace
}  // namespace shoal::protocol
