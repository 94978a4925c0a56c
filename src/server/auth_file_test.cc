// The -Y file format, and where it departs from memcached 1.6.18's reader.
#include "server/auth_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace shoal::server {
namespace {

std::vector<auth_entry> parse_ok(std::string_view content) {
  std::vector<auth_entry> entries;
  auto error = parse_auth_file("f", content, &entries);
  EXPECT_FALSE(error) << (error ? error->message : "");
  return entries;
}

TEST(AuthFileTest, OneEntryPerLine) {
  auto entries = parse_ok("alice:secret\nbob:pw\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0], (auth_entry{"alice", "secret"}));
  EXPECT_EQ(entries[1], (auth_entry{"bob", "pw"}));
}

TEST(AuthFileTest, LastLineMayLackItsNewline) {
  auto entries = parse_ok("alice:secret");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].password, "secret");
}

TEST(AuthFileTest, PasswordKeepsEverythingAfterTheFirstColon) {
  auto entries = parse_ok("u:p:x\n");
  EXPECT_EQ(entries[0], (auth_entry{"u", "p:x"}));
}

TEST(AuthFileTest, EmptyUserOrPasswordIsAllowedAsInMemcached) {
  auto entries = parse_ok(":pass\nuser:\n");
  EXPECT_EQ(entries[0], (auth_entry{"", "pass"}));
  EXPECT_EQ(entries[1], (auth_entry{"user", ""}));
}

TEST(AuthFileTest, SpacesAreKept) {
  auto entries = parse_ok(" u : p \n");
  EXPECT_EQ(entries[0], (auth_entry{" u ", " p "}));
}

TEST(AuthFileTest, CrlfLineEndingsAreAccepted) {
  // memcached 1.6.18 refuses them by accident (it reads the "\n" as a line).
  auto entries = parse_ok("alice:secret\r\nbob:pw\r\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].password, "secret");
}

TEST(AuthFileTest, EveryEntryCounts) {
  // memcached keeps only the first 8 without a word.
  std::string content;
  for (int i = 0; i < 20; ++i) content += "user" + std::to_string(i) + ":pw\n";
  EXPECT_EQ(parse_ok(content).size(), 20u);
}

TEST(AuthFileTest, EmptyFileHasNoAccounts) { EXPECT_TRUE(parse_ok("").empty()); }

TEST(AuthFileTest, LineWithoutColonIsMalformed) {
  for (std::string_view content : {"nocolon\n", "a:b\n\nc:d\n", "a:b\n#comment\n", "a:b\n\n"}) {
    std::vector<auth_entry> entries{{"keep", "me"}};
    auto error = parse_auth_file("/etc/shoal.auth", content, &entries);
    ASSERT_TRUE(error) << content;
    EXPECT_EQ(error->exit_code, 1);
    EXPECT_TRUE(error->message.starts_with("Authfile [/etc/shoal.auth] has a malformed entry"));
    EXPECT_TRUE(error->message.ends_with(". Should be 'user:password'"));
    EXPECT_EQ(entries.size(), 1u);  // untouched on failure
  }
}

TEST(AuthFileTest, MalformedMessageNamesTheLine) {
  std::vector<auth_entry> entries;
  auto error = parse_auth_file("f", "a:b\nc:d\nbad\n", &entries);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message,
            "Authfile [f] has a malformed entry on line 3. Should be 'user:password'");
}

TEST(AuthFileTest, LoadsAFile) {
  std::string path = ::testing::TempDir() + "shoal_auth_file_test.txt";
  std::ofstream(path) << "alice:secret\n";
  std::vector<auth_entry> entries;
  ASSERT_FALSE(load_auth_file(path, &entries));
  EXPECT_EQ(entries, (std::vector<auth_entry>{{"alice", "secret"}}));
  std::remove(path.c_str());
}

TEST(AuthFileTest, DirectoryIsRefused) {
  // memcached reads a directory as an empty file and lets nobody in.
  std::vector<auth_entry> entries;
  auto error = load_auth_file("/", &entries);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message, "Could not open authfile [/] for reading: Is a directory");
}

TEST(AuthFileTest, OversizedFileIsRefused) {
  std::string path = ::testing::TempDir() + "shoal_auth_file_big.txt";
  std::ofstream(path) << "u:" << std::string(max_auth_file_bytes, 'p') << "\n";
  std::vector<auth_entry> entries;
  auto error = load_auth_file(path, &entries);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("is larger than"), std::string::npos);
  std::remove(path.c_str());
}

TEST(AuthFileTest, CredentialsMatchExactlyOneEntry) {
  std::vector<auth_entry> entries{{"alice", "secret"}, {"bob", "pw"}};
  EXPECT_TRUE(credentials_match(entries, "alice", "secret"));
  EXPECT_TRUE(credentials_match(entries, "bob", "pw"));
  EXPECT_FALSE(credentials_match(entries, "alice", "pw"));
  EXPECT_FALSE(credentials_match(entries, "alice", "secre"));
  EXPECT_FALSE(credentials_match(entries, "alice", "secrets"));
  EXPECT_FALSE(credentials_match(entries, "", ""));
  EXPECT_FALSE(credentials_match({}, "alice", "secret"));
}

}  // namespace
}  // namespace shoal::server
