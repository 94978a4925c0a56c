// Loading the -Y file. Read whole (it is small), then split into lines; see
// auth_file.h for the format and how it departs from memcached 1.6.18's
// fgets-based reader (which truncates long lines and stops after 8 entries).
#include "server/auth_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace shoal::server {
namespace {

startup_error auth_error(std::string message) { return {exit_failure, std::move(message)}; }

bool same_bytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

}  // namespace

std::optional<startup_error> parse_auth_file(std::string_view path, std::string_view content,
                                             std::vector<auth_entry>* out) {
  std::vector<auth_entry> entries;
  size_t line_number = 0;
  while (!content.empty()) {
    ++line_number;
    size_t newline = content.find('\n');
    std::string_view line = content.substr(0, newline);
    content = newline == std::string_view::npos ? "" : content.substr(newline + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return auth_error("Authfile [" + std::string(path) + "] has a malformed entry on line " +
                        std::to_string(line_number) + ". Should be 'user:password'");
    }
    entries.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
  }
  *out = std::move(entries);
  return std::nullopt;
}

std::optional<startup_error> load_auth_file(const std::string& path, std::vector<auth_entry>* out) {
  auto open_failure = [&](int error) {
    return auth_error("Could not open authfile [" + path +
                      "] for reading: " + std::strerror(error));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return open_failure(errno);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    int error = errno;
    ::close(fd);
    return open_failure(error);
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    return open_failure(S_ISDIR(info.st_mode) ? EISDIR : EINVAL);
  }
  if (static_cast<uint64_t>(info.st_size) > max_auth_file_bytes) {
    ::close(fd);
    return auth_error("Authfile [" + path + "] is larger than " +
                      std::to_string(max_auth_file_bytes) + " bytes");
  }
  std::string content(static_cast<size_t>(info.st_size), '\0');
  size_t filled = 0;
  while (filled < content.size()) {
    ssize_t n = ::read(fd, content.data() + filled, content.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      return open_failure(error);
    }
    if (n == 0) break;  // the file shrank meanwhile: use what is there
    filled += static_cast<size_t>(n);
  }
  ::close(fd);
  content.resize(filled);
  return parse_auth_file(path, content, out);
}

bool credentials_match(const std::vector<auth_entry>& entries, std::string_view user,
                       std::string_view password) {
  bool matched = false;
  for (const auth_entry& entry : entries) {
    // Both compared, every entry visited: the time taken does not say which part failed.
    bool user_ok = same_bytes(entry.user, user);
    bool password_ok = same_bytes(entry.password, password);
    matched |= user_ok && password_ok;
  }
  return matched;
}

}  // namespace shoal::server
