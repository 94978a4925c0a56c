// Behaviour of text_parser, command by command. Expected outcomes were checked
// against Debian's memcached 1.6.18 with tests/testing/mc_probe.py (the
// transcripts are summarised in docs/protocol.md); where Shoal deliberately
// differs, the test name says so.
#include "protocol/text_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/parser_harness.h"

namespace shoal::protocol {
namespace {

using events = std::vector<std::string>;

std::string err(std::string_view text, std::string_view failed = "client_error",
                bool noreply = false) {
  std::string s = "client_error \"" + std::string(text) + "\" failed=" + std::string(failed);
  if (noreply) s += " noreply";
  return s;
}

const std::string kError = err("ERROR");
const std::string kBadFormat = "CLIENT_ERROR bad command line format";

// Parses exactly one complete command that must span all of `in`.
command parse_one(std::string_view in, size_t max_item_size = default_max_item_size) {
  text_parser parser(max_item_size);
  command cmd;
  size_t used = 0;
  EXPECT_EQ(parser.parse(in, &used, &cmd), parse_status::complete) << in;
  EXPECT_EQ(used, in.size()) << in;
  return cmd;
}

// ---------------------------------------------------------------- retrieval

TEST(TextParserTest, GetWithOneKey) {
  command cmd = parse_one("get foo\r\n");
  EXPECT_EQ(cmd.kind, command_kind::get);
  ASSERT_EQ(cmd.keys.size(), 1u);
  EXPECT_EQ(cmd.keys[0], "foo");
  EXPECT_FALSE(cmd.noreply);
}

TEST(TextParserTest, KeysPointIntoTheInput) {
  const std::string in = "gets alpha beta\r\n";
  command cmd = parse_one(in);
  ASSERT_EQ(cmd.keys.size(), 2u);
  EXPECT_EQ(cmd.keys[0].data(), in.data() + 5);
  EXPECT_EQ(cmd.keys[1].data(), in.data() + 11);
}

TEST(TextParserTest, MultiGetKeepsOrderAndRepeats) {
  EXPECT_EQ(parse_all("get a b a c a\r\n"), events{"get keys=[a,b,a,c,a]"});
  EXPECT_EQ(parse_all("gets x y\r\n"), events{"gets keys=[x,y]"});
}

TEST(TextParserTest, RunsOfSpacesAndTrailingSpacesSeparateTokens) {
  EXPECT_EQ(parse_all("get   t   t  \r\n"), events{"get keys=[t,t]"});
  EXPECT_EQ(parse_all("   get t\r\n"), events{"get keys=[t]"});
}

TEST(TextParserTest, GetWithoutKeyIsError) {
  EXPECT_EQ(parse_all("get\r\n"), events{kError});
  EXPECT_EQ(parse_all("get \r\n"), events{kError});
  EXPECT_EQ(parse_all("gets\r\n"), events{kError});
  EXPECT_EQ(parse_all("gat\r\n"), events{kError});
  EXPECT_EQ(parse_all("bget\r\n"), events{kError});
}

TEST(TextParserTest, NoreplyIsJustAKeyInGet) {
  EXPECT_EQ(parse_all("get t noreply\r\n"), events{"get keys=[t,noreply]"});
}

TEST(TextParserTest, BgetIsGet) { EXPECT_EQ(parse_all("bget a b\r\n"), events{"get keys=[a,b]"}); }

TEST(TextParserTest, GatTakesExptimeThenKeys) {
  command cmd = parse_one("gat 10 a b\r\n");
  EXPECT_EQ(cmd.kind, command_kind::gat);
  EXPECT_EQ(cmd.exptime, 10);
  EXPECT_EQ(cmd.keys, (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(parse_all("gats -1 a\r\n"), events{"gats keys=[a] exptime=-1"});
}

TEST(TextParserTest, GatWithOnlyExptimeHasNoKeys) {
  // memcached answers "gat 10" with END.
  command cmd = parse_one("gat 10\r\n");
  EXPECT_EQ(cmd.kind, command_kind::gat);
  EXPECT_TRUE(cmd.keys.empty());
}

TEST(TextParserTest, GatWithBadExptime) {
  EXPECT_EQ(parse_all("gat abc a\r\n"),
            events{err("CLIENT_ERROR invalid exptime argument", "gat")});
  // The exptime is checked before any key.
  EXPECT_EQ(parse_all("gat abc " + std::string(251, 'k') + "\r\n"),
            events{err("CLIENT_ERROR invalid exptime argument", "gat")});
}

TEST(TextParserTest, GatIgnoresNoreply) {
  EXPECT_EQ(parse_all("gat 10 a noreply\r\n"), events{"gat keys=[a,noreply] exptime=10"});
}

TEST(TextParserTest, KeyOf250BytesIsAcceptedAnd251Refused) {
  const std::string k250(250, 'k'), k251(251, 'k');
  EXPECT_EQ(parse_one("get " + k250 + "\r\n").keys[0].size(), 250u);
  EXPECT_EQ(parse_all("get " + k251 + "\r\n"), events{err(kBadFormat, "get")});
}

TEST(TextParserTest, OneLongKeyFailsTheWholeMultiGet) {
  const std::string k251(251, 'k');
  // The keys before the bad one stay: memcached looks them up, replying nothing.
  EXPECT_EQ(parse_all("get a b " + k251 + " c\r\n"),
            events{err(kBadFormat, "get") + " keys=[a,b]"});
  EXPECT_EQ(parse_all("gats 1 a " + k251 + "\r\n"),
            events{err(kBadFormat, "gats") + " keys=[a] exptime=1"});
}

TEST(TextParserTest, ControlCharactersBelongToKeys) {
  EXPECT_EQ(parse_all("get a\x01"
                      "b\r\n"),
            events{"get keys=[a\\x01b]"});
  // A tab is not a separator.
  EXPECT_EQ(parse_all("get t\tx t\r\n"), events{"get keys=[t\\x09x,t]"});
  EXPECT_EQ(parse_all("get\ta\r\n"), events{kError});
}

TEST(TextParserTest, OnlyOneCarriageReturnIsStripped) {
  EXPECT_EQ(parse_all("get a\r\r\n"), events{"get keys=[a\\x0d]"});
}

TEST(TextParserTest, BareNewlineEndsALine) {
  EXPECT_EQ(parse_all("get a\nget b\r\n"), (events{"get keys=[a]", "get keys=[b]"}));
  // "\rget t" after a bare "\n" is an unknown command "\rget".
  EXPECT_EQ(parse_all("get t\n\rget t\r\n"), (events{"get keys=[t]", kError}));
}

TEST(TextParserTest, NulByteEndsTheLinesMeaning) {
  // memcached tokenizes with strlen(): "get a\0b" is "get a".
  EXPECT_EQ(parse_all(std::string("get a\0b c\r\nget d\r\n", 18)),
            (events{"get keys=[a]", "get keys=[d]"}));
  EXPECT_EQ(parse_all(std::string("get \0a\r\n", 8)), events{kError});
  EXPECT_EQ(parse_all(std::string("set a\0 0 0 1\r\nx\r\n", 17)), (events{kError, kError}));
}

TEST(TextParserTest, HugeMultiGetLineIsAccepted) {
  // memcached's t/getset.t sends ~190 KB of one key on a single get line.
  std::string line = "get";
  for (int i = 0; i < 18725; ++i) line += " foo_bar_1";
  line += "\r\n";
  command cmd = parse_one(line);
  EXPECT_EQ(cmd.kind, command_kind::get);
  ASSERT_EQ(cmd.keys.size(), 18725u);
  EXPECT_EQ(cmd.keys.back(), "foo_bar_1");
}

TEST(TextParserTest, GetLineMayArriveInManyReadsWithoutRescanning) {
  std::string line = "gets";
  for (int i = 0; i < 5000; ++i) line += " key" + std::to_string(i);
  line += "\r\n";
  parser_harness h;
  for (size_t at = 0; at < line.size(); at += 997) h.feed(line.substr(at, 997));
  ASSERT_EQ(h.events().size(), 1u);
  EXPECT_EQ(h.events()[0].substr(0, 20), "gets keys=[key0,key1");
}

TEST(TextParserTest, KeysVectorCapacityIsReused) {
  text_parser parser;
  command cmd;
  size_t used;
  ASSERT_EQ(parser.parse("get a b c d e f g h\r\n", &used, &cmd), parse_status::complete);
  const auto* storage = cmd.keys.data();
  ASSERT_EQ(parser.parse("get x y\r\n", &used, &cmd), parse_status::complete);
  EXPECT_EQ(cmd.keys.data(), storage);
  EXPECT_EQ(cmd.keys.size(), 2u);
}

// ------------------------------------------------------------------ storage

TEST(TextParserTest, SetCarriesEveryField) {
  const std::string in("set k 4294967295 -5 3\r\na\0c\r\n", 28);
  command cmd = parse_one(in);
  EXPECT_EQ(cmd.kind, command_kind::set);
  EXPECT_EQ(cmd.key, "k");
  EXPECT_EQ(cmd.flags, 4294967295u);
  EXPECT_EQ(cmd.exptime, -5);
  EXPECT_EQ(cmd.value, std::string_view("a\0c", 3));
  EXPECT_EQ(cmd.value.data(), in.data() + 23);
  EXPECT_FALSE(cmd.noreply);
  EXPECT_FALSE(cmd.too_large);
}

TEST(TextParserTest, EveryStorageCommand) {
  EXPECT_EQ(parse_all("add a 1 2 1\r\nx\r\n"), events{"add key=a flags=1 exptime=2 value=1:x"});
  EXPECT_EQ(parse_all("replace a 0 0 1\r\nx\r\n"), events{"replace key=a value=1:x"});
  EXPECT_EQ(parse_all("append a 0 0 1\r\nx\r\n"), events{"append key=a value=1:x"});
  EXPECT_EQ(parse_all("prepend a 0 0 1\r\nx\r\n"), events{"prepend key=a value=1:x"});
  EXPECT_EQ(parse_all("cas a 0 0 1 99\r\nx\r\n"), events{"cas key=a cas=99 value=1:x"});
  EXPECT_EQ(parse_all("cas a 0 0 1 18446744073709551615\r\nx\r\n"),
            events{"cas key=a cas=18446744073709551615 value=1:x"});
}

TEST(TextParserTest, ValuesAreBinarySafe) {
  const std::string value("mumble\0\0\0\0\r\rblarg\r\n\n", 20);
  const std::string in = "set b 0 0 20\r\n" + value + "\r\n";
  EXPECT_EQ(parse_one(in).value, value);
}

TEST(TextParserTest, EmptyValue) {
  EXPECT_EQ(parse_all("set v 0 0 0\r\n\r\nget v\r\n"),
            (events{"set key=v value=0:", "get keys=[v]"}));
}

TEST(TextParserTest, StorageNoreplyOnlyAsLastToken) {
  EXPECT_EQ(parse_all("set a 1 0 1 noreply\r\nx\r\n"),
            events{"set noreply key=a flags=1 value=1:x"});
  // Any other sixth token is ignored.
  EXPECT_EQ(parse_all("set a 1 0 1 foo\r\nx\r\n"), events{"set key=a flags=1 value=1:x"});
  EXPECT_EQ(parse_all("cas a 0 0 1 5 noreply\r\nx\r\n"),
            events{"cas noreply key=a cas=5 value=1:x"});
  EXPECT_EQ(parse_all("cas a 0 0 1 5 other\r\nx\r\n"), events{"cas key=a cas=5 value=1:x"});
}

TEST(TextParserTest, StorageWithWrongTokenCountIsErrorAndValueIsReadAsCommand) {
  EXPECT_EQ(parse_all("set a 1 0\r\nx\r\n"), (events{kError, kError}));
  EXPECT_EQ(parse_all("set a 1 0 1 noreply extra\r\nx\r\n"), (events{kError, kError}));
  EXPECT_EQ(parse_all("cas a 0 0 1\r\nx\r\n"), (events{kError, kError}));
  EXPECT_EQ(parse_all("set t 0 0 1 2 3\r\nz\r\n"), (events{kError, kError}));
}

TEST(TextParserTest, MalformedStorageLineDoesNotSwallowTheValue) {
  // memcached 1.6.18: CLIENT_ERROR, then the data line is parsed as a command.
  const std::string k251(251, 'k');
  for (const std::string& line :
       {"set " + k251 + " 0 0 5", std::string("set a 0 0 -1"), std::string("set a 0 0 2147483647"),
        std::string("set a 0 0 2147483648"), std::string("set a 0 0 4294967295"),
        std::string("set a -1 0 5"), std::string("set a 0 abc 5"), std::string("set a 0 0 1x"),
        std::string("set a 0 0 +"), std::string("set a 0 0 -"), std::string("set a 0 0 0x1"),
        std::string("set a 0 9999999999999999999999 1"), std::string("cas a 0 0 5 x"),
        std::string("cas a 0 0 5 -1")}) {
    const std::string kind = line.substr(0, 3);
    EXPECT_EQ(parse_all(line + "\r\nhello\r\n"), (events{err(kBadFormat, kind), kError})) << line;
  }
}

TEST(TextParserTest, MalformedStorageLineHonoursNoreply) {
  // "set a 1 0 noreply": the bytes token is "noreply", so the line is
  // malformed and noreply suppresses the error.
  EXPECT_EQ(parse_all("set a 1 0 noreply\r\nx\r\n"),
            (events{err(kBadFormat, "set", true), kError}));
  EXPECT_EQ(parse_all("set a 1 0 -1 noreply\r\nx\r\n"),
            (events{err(kBadFormat, "set", true), kError}));
  // "cas k 0 0 1 noreply": the cas token is "noreply"; memcached answers only
  // the ERROR for the data line.
  EXPECT_EQ(parse_all("cas k 0 0 1 noreply\r\nx\r\n"),
            (events{err(kBadFormat, "cas", true), kError}));
}

TEST(TextParserTest, BytesUpToIntMaxMinusTwoIsWellFormed) {
  command cmd = parse_one("set a 0 0 2147483645\r\n");
  EXPECT_TRUE(cmd.too_large);
  EXPECT_EQ(cmd.swallow, 2147483647u);
}

TEST(TextParserTest, NumbersFollowStrtolRules) {
  // Signs, leading zeros and a trailing whitespace byte, as memcached 1.6.18.
  EXPECT_EQ(parse_all("set a +1 0 +1\r\nx\r\n"), events{"set key=a flags=1 value=1:x"});
  EXPECT_EQ(parse_all("set a -0 0 01\r\nx\r\n"), events{"set key=a value=1:x"});
  EXPECT_EQ(parse_all("set a 0 0 00000000000000000000000000001\r\nx\r\n"),
            events{"set key=a value=1:x"});
  EXPECT_EQ(parse_all("set a 0 0 1\t\r\nx\r\n"), events{"set key=a value=1:x"});
  EXPECT_EQ(parse_all("set a 0 0 \t1\r\nx\r\n"), events{"set key=a value=1:x"});
  EXPECT_EQ(parse_all("set a 0 0 1\tabc\r\nx\r\n"), events{"set key=a value=1:x"});
  EXPECT_EQ(parse_all("set a 7\v\vq 0 1\r\nx\r\n"), events{"set key=a flags=7 value=1:x"});
  // "1\r" before "\r\n": the second '\r' is whitespace after the number.
  EXPECT_EQ(parse_all("set a 0 0 1\r\r\nx\r\n"), events{"set key=a value=1:x"});
}

TEST(TextParserTest, ShoalRefusesNumbersThatMemcachedTruncatesTo32Bits) {
  // Deviation: 1.6.18 stores flags 4294967296 as 0, exptime 2147483648 as
  // -2147483648 and bytes 4294967297 as 1. See docs/protocol.md#numbers.
  EXPECT_EQ(parse_all("set a 4294967296 0 1\r\nx\r\n"), (events{err(kBadFormat, "set"), kError}));
  EXPECT_EQ(parse_all("set a 0 2147483648 1\r\nx\r\n"), (events{err(kBadFormat, "set"), kError}));
  EXPECT_EQ(parse_all("set a 0 -2147483649 1\r\nx\r\n"), (events{err(kBadFormat, "set"), kError}));
  EXPECT_EQ(parse_all("set a 0 0 4294967297\r\nx\r\n"), (events{err(kBadFormat, "set"), kError}));
  EXPECT_EQ(parse_all("set a 0 2147483647 1\r\nx\r\n"),
            events{"set key=a exptime=2147483647 value=1:x"});
  EXPECT_EQ(parse_all("set a 0 -2147483648 1\r\nx\r\n"),
            events{"set key=a exptime=-2147483648 value=1:x"});
}

TEST(TextParserTest, WaitsForTheValueAndSaysHowMuchItNeeds) {
  text_parser parser;
  command cmd;
  size_t used = 99;
  const std::string line = "set big 0 0 100000\r\n";
  EXPECT_EQ(parser.parse(line, &used, &cmd), parse_status::need_more);
  EXPECT_EQ(used, 0u);
  EXPECT_EQ(parser.needed(), line.size() + 100002);
  const std::string whole = line + std::string(100000, 'v') + "\r\n";
  EXPECT_EQ(parser.parse(std::string_view(whole).substr(0, whole.size() - 1), &used, &cmd),
            parse_status::need_more);
  EXPECT_EQ(parser.needed(), whole.size());
  EXPECT_EQ(parser.parse(whole, &used, &cmd), parse_status::complete);
  EXPECT_EQ(used, whole.size());
  EXPECT_EQ(cmd.value.size(), 100000u);
}

TEST(TextParserTest, NeededIsZeroWhileTheLineIsIncomplete) {
  text_parser parser;
  command cmd;
  size_t used;
  EXPECT_EQ(parser.parse("set big 0 0 10", &used, &cmd), parse_status::need_more);
  EXPECT_EQ(parser.needed(), 0u);
}

TEST(TextParserTest, BadDataChunkConsumesExactlyBytesPlusTwo) {
  EXPECT_EQ(parse_all("set a 0 0 5\r\nhelloXXget a\r\n"),
            (events{err("CLIENT_ERROR bad data chunk", "set"), "get keys=[a]"}));
  // "hello\n\n": the two bytes after the value must be exactly "\r\n".
  EXPECT_EQ(parse_all("set a 0 0 5\r\nhello\n\nget a\r\n"),
            (events{err("CLIENT_ERROR bad data chunk", "set"), "get keys=[a]"}));
  // Six bytes for five: the block read is "hellox\r", then "\n" is a blank
  // line (ERROR), then the get.
  EXPECT_EQ(parse_all("set a 0 0 5\r\nhellox\r\nget a\r\n"),
            (events{err("CLIENT_ERROR bad data chunk", "set"), kError, "get keys=[a]"}));
}

TEST(TextParserTest, BadDataChunkHonoursNoreply) {
  EXPECT_EQ(parse_all("set a 0 0 5 noreply\r\nhelloXXget a\r\n"),
            (events{err("CLIENT_ERROR bad data chunk", "set", true), "get keys=[a]"}));
}

TEST(TextParserTest, BareNewlineAfterStorageLineIsFine) {
  EXPECT_EQ(parse_all("set a 0 0 5\nhello\r\nget a\n"),
            (events{"set key=a value=5:hello", "get keys=[a]"}));
}

TEST(TextParserTest, TooLargeValueCompletesAfterTheLineAndIsSwallowed) {
  text_parser parser;  // -I 1m
  command cmd;
  size_t used;
  const std::string line = "set a 0 0 2000000\r\n";
  ASSERT_EQ(parser.parse(line, &used, &cmd), parse_status::complete);
  EXPECT_EQ(used, line.size());
  EXPECT_TRUE(cmd.too_large);
  EXPECT_EQ(cmd.swallow, 2000002u);
  EXPECT_EQ(cmd.key, "a");
  EXPECT_TRUE(cmd.value.empty());

  // Through a connection: the value is discarded and the next command parses.
  parser_harness h;
  h.feed(line);
  h.feed(std::string(1500000, 'x'));
  h.feed(std::string(500002, 'x') + "get a\r\n");
  EXPECT_EQ(h.events(), (events{"set too_large key=a swallow=2000002", "get keys=[a]"}));
}

TEST(TextParserTest, TooLargeFollowsItemSizeOkForEveryCommand) {
  // With -I 1m, item_size_ok() admits key + value + 59 <= 1 MiB.
  const size_t limit = default_max_item_size - item_size_accounting_overhead - 1;  // 1-byte key
  EXPECT_FALSE(
      parse_one("set a 0 0 " + std::to_string(limit) + "\r\n" + std::string(limit, 'x') + "\r\n")
          .too_large);
  for (const char* verb : {"set", "add", "replace", "append", "prepend"}) {
    command cmd =
        parse_one(std::string(verb) + " a 0 0 " + std::to_string(limit + 1) + " noreply\r\n");
    EXPECT_TRUE(cmd.too_large) << verb;
    EXPECT_TRUE(cmd.noreply) << verb;
    EXPECT_EQ(cmd.swallow, limit + 3) << verb;
  }
  EXPECT_TRUE(parse_one("cas a 0 0 2000000 7\r\n").too_large);
}

TEST(TextParserTest, MaxItemSizeIsAParserSetting) {
  EXPECT_TRUE(parse_one("set a 0 0 2000\r\n", 1024).too_large);
  EXPECT_FALSE(parse_one("set a 0 0 900\r\n" + std::string(900, 'x') + "\r\n", 1024).too_large);
}

// ------------------------------------------------------- delete, incr, touch

TEST(TextParserTest, DeleteForms) {
  EXPECT_EQ(parse_all("delete k\r\n"), events{"delete key=k"});
  EXPECT_EQ(parse_all("delete k 0\r\n"), events{"delete key=k"});
  EXPECT_EQ(parse_all("delete k noreply\r\n"), events{"delete noreply key=k"});
  EXPECT_EQ(parse_all("delete k 0 noreply\r\n"), events{"delete noreply key=k"});
  // "delete noreply": the key is "noreply".
  EXPECT_EQ(parse_all("delete noreply\r\n"), events{"delete key=noreply"});
}

TEST(TextParserTest, DeleteUsageError) {
  const std::string usage = "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]";
  EXPECT_EQ(parse_all("delete k 5\r\n"), events{err(usage, "delete")});
  EXPECT_EQ(parse_all("delete k 00\r\n"), events{err(usage, "delete")});
  EXPECT_EQ(parse_all("delete k 0 0\r\n"), events{err(usage, "delete")});
  EXPECT_EQ(parse_all("delete k 5 noreply\r\n"), events{err(usage, "delete", true)});
  // noreply must be last: here it is the hold time, and "0" is not noreply.
  EXPECT_EQ(parse_all("delete k noreply 0\r\n"), events{err(usage, "delete")});
  EXPECT_EQ(parse_all("delete k x y z\r\n"), events{kError});
  EXPECT_EQ(parse_all("delete\r\n"), events{kError});
  // The hold time is checked before the key length.
  EXPECT_EQ(parse_all("delete " + std::string(251, 'k') + " 5\r\n"), events{err(usage, "delete")});
  EXPECT_EQ(parse_all("delete " + std::string(251, 'k') + "\r\n"),
            events{err(kBadFormat, "delete")});
}

TEST(TextParserTest, IncrDecr) {
  EXPECT_EQ(parse_all("incr n 1\r\n"), events{"incr key=n delta=1"});
  EXPECT_EQ(parse_all("decr n 18446744073709551615\r\n"),
            events{"decr key=n delta=18446744073709551615"});
  EXPECT_EQ(parse_all("incr n 1 noreply\r\n"), events{"incr noreply key=n delta=1"});
  EXPECT_EQ(parse_all("incr n 1 2\r\n"), events{"incr key=n delta=1"});
  EXPECT_EQ(parse_all("incr n +1\r\n"), events{"incr key=n delta=1"});
  EXPECT_EQ(parse_all("incr n -0\r\n"), events{"incr key=n"});
  EXPECT_EQ(parse_all("incr n\r\n"), events{kError});
  EXPECT_EQ(parse_all("incr n 1 2 3\r\n"), events{kError});
}

TEST(TextParserTest, IncrWithInvalidDelta) {
  const std::string invalid = "CLIENT_ERROR invalid numeric delta argument";
  for (const char* delta : {"-1", "abc", "18446744073709551616", "0x1", "1x"}) {
    EXPECT_EQ(parse_all("incr n " + std::string(delta) + "\r\n"), events{err(invalid, "incr")})
        << delta;
  }
  EXPECT_EQ(parse_all("decr n abc noreply\r\n"), events{err(invalid, "decr", true)});
  // The delta is checked before the key length.
  EXPECT_EQ(parse_all("incr " + std::string(251, 'k') + " abc\r\n"), events{err(invalid, "incr")});
  EXPECT_EQ(parse_all("incr " + std::string(251, 'k') + " 1\r\n"), events{err(kBadFormat, "incr")});
}

TEST(TextParserTest, Touch) {
  EXPECT_EQ(parse_all("touch k 10\r\n"), events{"touch key=k exptime=10"});
  EXPECT_EQ(parse_all("touch k 10 noreply\r\n"), events{"touch noreply key=k exptime=10"});
  EXPECT_EQ(parse_all("touch k -1 2\r\n"), events{"touch key=k exptime=-1"});
  EXPECT_EQ(parse_all("touch k\r\n"), events{kError});
  EXPECT_EQ(parse_all("touch k 1 2 3\r\n"), events{kError});
  EXPECT_EQ(parse_all("touch k abc\r\n"),
            events{err("CLIENT_ERROR invalid exptime argument", "touch")});
  EXPECT_EQ(parse_all("touch k abc noreply\r\n"),
            events{err("CLIENT_ERROR invalid exptime argument", "touch", true)});
  // The key is checked before the exptime.
  EXPECT_EQ(parse_all("touch " + std::string(251, 'k') + " abc\r\n"),
            events{err(kBadFormat, "touch")});
}

// ------------------------------------------------------------------- admin

TEST(TextParserTest, FlushAll) {
  EXPECT_EQ(parse_all("flush_all\r\n"), events{"flush_all"});
  EXPECT_EQ(parse_all("flush_all 10\r\n"), events{"flush_all exptime=10"});
  EXPECT_EQ(parse_all("flush_all -1\r\n"), events{"flush_all exptime=-1"});
  EXPECT_EQ(parse_all("flush_all noreply\r\n"), events{"flush_all noreply"});
  EXPECT_EQ(parse_all("flush_all 0 noreply\r\n"), events{"flush_all noreply"});
  EXPECT_EQ(parse_all("flush_all 5 6\r\n"), events{"flush_all exptime=5"});
  EXPECT_EQ(parse_all("flush_all 0 1 2\r\n"), events{kError});
}

TEST(TextParserTest, FlushAllWithBadDelay) {
  const std::string invalid = "CLIENT_ERROR invalid exptime argument";
  EXPECT_EQ(parse_all("flush_all abc\r\n"), events{err(invalid, "flush_all")});
  EXPECT_EQ(parse_all("flush_all 1x\r\n"), events{err(invalid, "flush_all")});
  EXPECT_EQ(parse_all("flush_all abc noreply\r\n"), events{err(invalid, "flush_all", true)});
  EXPECT_EQ(parse_all("flush_all noreply 5\r\n"), events{err(invalid, "flush_all")});
  // Deviation: 1.6.18 truncates 4294967296 to 0 and flushes.
  EXPECT_EQ(parse_all("flush_all 4294967296\r\n"), events{err(invalid, "flush_all")});
}

TEST(TextParserTest, Version) {
  EXPECT_EQ(parse_all("version\r\n"), events{"version"});
  EXPECT_EQ(parse_all("version foo bar\r\n"), events{"version"});
  EXPECT_EQ(parse_all("version / HTTP/1.1\r\n"), events{"version"});
}

TEST(TextParserTest, Verbosity) {
  EXPECT_EQ(parse_all("verbosity 1\r\n"), events{"verbosity number=1"});
  EXPECT_EQ(parse_all("verbosity 1 2\r\n"), events{"verbosity number=1"});
  EXPECT_EQ(parse_all("verbosity 1 noreply\r\n"), events{"verbosity noreply number=1"});
  EXPECT_EQ(parse_all("verbosity\r\n"), events{kError});
  EXPECT_EQ(parse_all("verbosity 1 2 3\r\n"), events{kError});
  EXPECT_EQ(parse_all("verbosity x\r\n"), events{err(kBadFormat, "verbosity")});
  EXPECT_EQ(parse_all("verbosity -1\r\n"), events{err(kBadFormat, "verbosity")});
  // memccapable relies on this one staying silent.
  EXPECT_EQ(parse_all("verbosity noreply\r\n"), events{err(kBadFormat, "verbosity", true)});
}

TEST(TextParserTest, Quit) {
  EXPECT_EQ(parse_all("quit\r\n"), events{"quit"});
  EXPECT_EQ(parse_all("quit x y\r\n"), events{"quit"});
}

TEST(TextParserTest, StatsArguments) {
  EXPECT_EQ(parse_all("stats\r\n"), events{"stats"});
  EXPECT_EQ(parse_all("stats settings\r\n"), events{"stats arg=settings"});
  EXPECT_EQ(parse_all("stats cachedump 1 10\r\n"), events{"stats arg=cachedump arg=1 arg=10"});
  EXPECT_EQ(parse_all("stats detail on x y z\r\n"), events{"stats arg=detail arg=on arg=x"});
  // stats does not look for noreply: "stats noreply" is an unknown group.
  EXPECT_EQ(parse_all("stats noreply\r\n"), events{"stats arg=noreply"});
}

TEST(TextParserTest, Shutdown) {
  EXPECT_EQ(parse_all("shutdown\r\n"), events{"shutdown"});
  EXPECT_EQ(parse_all("shutdown graceful\r\n"), events{"shutdown graceful"});
  const std::string invalid = err("CLIENT_ERROR invalid shutdown mode", "shutdown");
  EXPECT_EQ(parse_all("shutdown x\r\n"), events{invalid});
  EXPECT_EQ(parse_all("shutdown graceful x\r\n"), events{invalid});
  EXPECT_EQ(parse_all("shutdown noreply\r\n"), events{invalid});
}

TEST(TextParserTest, CacheMemlimit) {
  EXPECT_EQ(parse_all("cache_memlimit 64\r\n"), events{"cache_memlimit number=64"});
  EXPECT_EQ(parse_all("cache_memlimit 64 noreply\r\n"), events{"cache_memlimit noreply number=64"});
  EXPECT_EQ(parse_all("cache_memlimit 64 1\r\n"), events{"cache_memlimit number=64"});
  EXPECT_EQ(parse_all("cache_memlimit\r\n"), events{kError});
  EXPECT_EQ(parse_all("cache_memlimit 64 1 2\r\n"), events{kError});
  EXPECT_EQ(parse_all("cache_memlimit x\r\n"), events{err("ERROR", "cache_memlimit")});
  EXPECT_EQ(parse_all("cache_memlimit x noreply\r\n"),
            events{err("ERROR", "cache_memlimit", true)});
}

// ---------------------------------------------- unknown commands and closing

TEST(TextParserTest, BlankAndShortLinesAreErrors) {
  EXPECT_EQ(parse_all("\r\n"), events{kError});
  EXPECT_EQ(parse_all("\n"), events{kError});
  EXPECT_EQ(parse_all(" \r\n"), events{kError});
  EXPECT_EQ(parse_all("x\r\n"), events{kError});
}

TEST(TextParserTest, CommandsAreLowerCase) {
  EXPECT_EQ(parse_all("GET a\r\n"), events{kError});
  EXPECT_EQ(parse_all("Set a 0 0 1\r\nx\r\n"), (events{kError, kError}));
}

TEST(TextParserTest, MetaAndUnsupportedAdminCommandsAreErrors) {
  for (const char* line :
       {"mg a v", "ms a 1", "mn", "me a", "slabs automove 1", "lru_crawler enable", "watch",
        "lru mode flat", "extstore x", "mget a", "misbehave"}) {
    EXPECT_EQ(parse_all(std::string(line) + "\r\n"), events{kError}) << line;
  }
}

TEST(TextParserTest, HttpRequestLineClosesTheConnection) {
  EXPECT_EQ(parse_all("GET / HTTP/1.1\r\n"), events{"close"});
  EXPECT_EQ(parse_all("POST /x HTTP/1.0\r\nHost: y\r\n"), events{"close"});
  EXPECT_EQ(parse_all("HTTP/1.1\r\n"), events{"close"});
  EXPECT_EQ(parse_all("xyz HTTP/\r\n"), events{"close"});
  EXPECT_EQ(parse_all("pxx / HTTP/1.1\r\n"), events{"close"});
  EXPECT_EQ(parse_all("mget / HTTP/1.1\r\n"), events{"close"});
  // Earlier commands in the same read still count.
  EXPECT_EQ(parse_all("get a\r\nGET / HTTP/1.1\r\nget b\r\n"), (events{"get keys=[a]", "close"}));
}

TEST(TextParserTest, HttpRuleFollowsMemcachedDispatchOrder) {
  // A lower-case get is a get of two keys.
  EXPECT_EQ(parse_all("get / HTTP/1.1\r\n"), events{"get keys=[/,HTTP/1.1]"});
  // Unknown names starting with g, s, a, c, i, d, t, or two-letter m*, are ERROR.
  for (const char* name : {"gxx", "sxx", "axx", "cxx", "ixx", "dxx", "txx", "mx"}) {
    EXPECT_EQ(parse_all(std::string(name) + " / HTTP/1.1\r\n"), events{kError}) << name;
  }
  // Only the last token counts; a one-letter command is always ERROR.
  EXPECT_EQ(parse_all("xyz HTTPx\r\n"), events{kError});
  EXPECT_EQ(parse_all("xyz HTTP/ foo\r\n"), events{kError});
  EXPECT_EQ(parse_all("x / HTTP/1.1\r\n"), events{kError});
  // Known commands keep their own answers.
  EXPECT_EQ(parse_all("set / HTTP/1.1\r\n"), events{kError});
  EXPECT_EQ(parse_all("verbosity / HTTP/1.1\r\n"), events{err(kBadFormat, "verbosity")});
  EXPECT_EQ(parse_all("lru / HTTP/1.1\r\n"), events{kError});
}

TEST(TextParserTest, HttpRuleLooksAtTheTwentyThirdToken) {
  // memcached keeps at most 23 tokens; the rest of the line is one remainder.
  std::string line = "xyz";
  for (int i = 0; i < 21; ++i) line += " t";
  EXPECT_EQ(parse_all(line + " HTTP/1.1\r\n"), events{"close"});      // token 23
  EXPECT_EQ(parse_all(line + " x HTTP/1.1\r\n"), events{kError});     // token 24
  EXPECT_EQ(parse_all(line + " HTTP/1.1 x y\r\n"), events{"close"});  // still token 23
}

TEST(TextParserTest, TokenCountIsCappedLikeMemcached) {
  // version and quit accept any number of tokens.
  std::string many = "version";
  for (int i = 0; i < 40; ++i) many += " x";
  EXPECT_EQ(parse_all(many + "\r\n"), events{"version"});
  std::string shutdown = "shutdown graceful";
  for (int i = 0; i < 40; ++i) shutdown += " x";
  EXPECT_EQ(parse_all(shutdown + "\r\n"),
            events{err("CLIENT_ERROR invalid shutdown mode", "shutdown")});
}

TEST(TextParserTest, LineLongerThan2048BytesCloses) {
  EXPECT_EQ(parse_all(std::string(2048, 'x')), events{});
  EXPECT_EQ(parse_all(std::string(2049, 'x')), events{"close"});
  // A line of 2,048 bytes before its "\n" ('\r' included) is processed
  // however it arrives; 2,049 closes even when split before the "\n", as
  // memcached then holds 2,049 bytes without a newline.
  EXPECT_EQ(parse_all("set a 0 0 1" + std::string(2036, ' ') + "\r\nx\r\n"),
            (events{"set key=a value=1:x"}));
  EXPECT_EQ(parse_all("set a 0 0 1" + std::string(2037, ' ') + "\r\nx\r\n"), events{"close"});
  // Deviation: memcached processes a longer line if it happened to arrive in
  // one read with its newline; Shoal always closes (docs/protocol.md).
  EXPECT_EQ(parse_all("set a 0 0 1" + std::string(3000, ' ') + "\r\nx\r\n"), events{"close"});
}

TEST(TextParserTest, GetAndGetsLinesAreExemptFromTheLineLimit) {
  const std::string keys = std::string(3000, 'k');
  EXPECT_EQ(parse_all("get " + keys + "\r\n"), events{err(kBadFormat, "get")});
  EXPECT_EQ(parse_all("gets " + keys + "\r\n"), events{err(kBadFormat, "gets")});
  EXPECT_EQ(parse_all(" get " + keys + "\r\n"), events{err(kBadFormat, "get")});
  EXPECT_EQ(parse_all(std::string(100, ' ') + "get " + keys + "\r\n"),
            events{err(kBadFormat, "get")});
  EXPECT_EQ(parse_all("get" + std::string(3000, ' ') + "x\r\n"), events{"get keys=[x]"});
  // Not exempt: more than 100 leading spaces, gat/gats, bget, a tab.
  EXPECT_EQ(parse_all(std::string(101, ' ') + "get " + keys + "\r\n"), events{"close"});
  EXPECT_EQ(parse_all("gat 1 " + keys + "\r\n"), events{"close"});
  EXPECT_EQ(parse_all("bget " + keys + "\r\n"), events{"close"});
  EXPECT_EQ(parse_all("get\t" + keys + "\r\n"), events{"close"});
  // Without a newline yet: wait for more.
  EXPECT_EQ(parse_all("get " + keys), events{});
}

TEST(TextParserTest, GetLineBeyondShoalsBoundCloses) {
  text_parser parser(default_max_item_size, /*max_get_line=*/4096);
  command cmd;
  size_t used;
  EXPECT_EQ(parser.parse("get " + std::string(4092, 'k'), &used, &cmd), parse_status::need_more);
  EXPECT_EQ(parser.parse("get " + std::string(4093, 'k'), &used, &cmd), parse_status::close);
}

// -------------------------------------------------------------- pipelining

TEST(TextParserTest, PipelinedBurstParsesInOrder) {
  const std::string burst =
      "set a 0 0 1\r\n1\r\nget a b\r\ndelete a\r\nincr n 5\r\nversion\r\n"
      "touch b 9 noreply\r\nappend a 0 0 2\r\nxy\r\ngets a\r\nflush_all\r\nquit\r\n";
  EXPECT_EQ(parse_all(burst),
            (events{"set key=a value=1:1", "get keys=[a,b]", "delete key=a", "incr key=n delta=5",
                    "version", "touch noreply key=b exptime=9", "append key=a value=2:xy",
                    "gets keys=[a]", "flush_all", "quit"}));
}

TEST(TextParserTest, ThousandPipelinedSetsAndGets) {
  std::string burst;
  events expected;
  for (int i = 0; i < 1000; ++i) {
    const std::string k = "key" + std::to_string(i);
    const std::string v = std::string(static_cast<size_t>(i % 50), 'v');
    burst += "set " + k + " 0 0 " + std::to_string(v.size()) + "\r\n" + v + "\r\nget " + k + "\r\n";
    expected.push_back("set key=" + k + " value=" + std::to_string(v.size()) + ":" + v);
    expected.push_back("get keys=[" + k + "]");
  }
  EXPECT_EQ(parse_all(burst), expected);
}

// ---------------------------------------------------------- authentication

std::vector<std::string> parse_unauth(std::string_view in) {
  parser_harness h(default_max_item_size, /*authenticated=*/false);
  h.feed(in);
  return h.events();
}

TEST(TextParserTest, AuthenticationPayload) {
  EXPECT_EQ(parse_unauth("set x 0 0 12\r\nalice secret\r\n"), events{"auth arg=alice arg=secret"});
  // Only the fifth token matters; noreply is ignored; extra payload tokens too.
  EXPECT_EQ(parse_unauth("set any 5 5 14 noreply\r\nalice secret x\r\n"),
            events{"auth arg=alice arg=secret"});
  EXPECT_EQ(parse_unauth("set x 0 0 12\nalice secret\r\n"), events{"auth arg=alice arg=secret"});
  EXPECT_EQ(parse_unauth("set x 0 0 13\r\nalice  secret\r\n"), events{"auth arg=alice arg=secret"});
  // After authenticating, commands parse normally (the harness switches).
  EXPECT_EQ(parse_unauth("set x 0 0 12\r\nalice secret\r\nget a\r\n"),
            (events{"auth arg=alice arg=secret", "get keys=[a]"}));
}

TEST(TextParserTest, AnythingElseBeforeAuthenticationIsUnauthenticated) {
  const std::string unauth = err("CLIENT_ERROR unauthenticated", "auth");
  EXPECT_EQ(parse_unauth("get a\r\nversion\r\n"), (events{unauth, unauth}));
  EXPECT_EQ(parse_unauth("\r\n"), events{unauth});
  EXPECT_EQ(parse_unauth("set x 0 0\r\nalice secret\r\n"), (events{unauth, unauth}));
  EXPECT_EQ(parse_unauth("set x 0 0 abc\r\n"), events{unauth});
  EXPECT_EQ(parse_unauth("add x 0 0 12\r\n"), events{unauth});
  EXPECT_EQ(parse_unauth("set x 0 0 -1\r\n"), events{unauth});
}

TEST(TextParserTest, AuthenticationPayloadErrors) {
  EXPECT_EQ(parse_unauth("set x 0 0 5\r\nalice\r\n"),
            events{err("CLIENT_ERROR bad authentication token format", "auth")});
  EXPECT_EQ(parse_unauth(std::string("set x 0 0 4\r\na\0 b\r\n", 19)),
            events{err("CLIENT_ERROR bad authentication token format", "auth")});
  EXPECT_EQ(parse_unauth("set x 0 0 12\r\nalice secretXXset x 0 0 3\r\na b\r\n"),
            (events{err("CLIENT_ERROR bad command line termination", "auth"), "auth arg=a arg=b"}));
}

TEST(TextParserTest, AuthenticationLineLimitHasNoGetExemption) {
  EXPECT_EQ(parse_unauth(std::string(2049, 'x')), events{"close"});
  EXPECT_EQ(parse_unauth("get " + std::string(3000, 'x')), events{"close"});
  // Deviation: a payload over 64 KiB closes (memcached would wait for it).
  EXPECT_EQ(parse_unauth("set x 0 0 100000\r\n"), events{"close"});
}

TEST(TextParserTest, AuthenticationWaitsForTwoBytes) {
  text_parser parser;
  command cmd;
  size_t used;
  EXPECT_EQ(parser.parse_unauthenticated("\n", &used, &cmd), parse_status::need_more);
  EXPECT_EQ(parser.parse_unauthenticated("\n\n", &used, &cmd), parse_status::complete);
  EXPECT_EQ(used, 1u);
}

// ------------------------------------------------------------------ misc

TEST(TextParserTest, ErrorTextsAreMemcachedsBytes) {
  EXPECT_EQ(error_text(client_error::delete_usage),
            "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]");
  EXPECT_EQ(error_text(client_error::error), "ERROR");
  EXPECT_EQ(error_text(client_error::none), "");
}

TEST(TextParserTest, ResetForgetsScanProgress) {
  text_parser parser;
  command cmd;
  size_t used;
  EXPECT_EQ(parser.parse("get aaaaaaaaaa", &used, &cmd), parse_status::need_more);
  parser.reset();
  EXPECT_EQ(parser.parse("get b\r\n", &used, &cmd), parse_status::complete);
  EXPECT_EQ(cmd.keys[0], "b");
}

TEST(TextParserTest, ShorterInputThanLastTimeIsRescanned) {
  // Breaking the "same bytes again" contract must not skip a newline.
  text_parser parser;
  command cmd;
  size_t used;
  EXPECT_EQ(parser.parse("get aaaaaaaaaaaaaaaaaaaa", &used, &cmd), parse_status::need_more);
  EXPECT_EQ(parser.parse("get b\r\n", &used, &cmd), parse_status::complete);
}

}  // namespace
}  // namespace shoal::protocol
