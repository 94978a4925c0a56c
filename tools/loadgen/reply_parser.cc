// Why value data is skipped rather than buffered: the load generator needs
// only to count hits and find where the next reply starts, so a large value
// never has to fit in the connection's receive buffer, and nothing is copied.
// Lines, on the other hand, are parsed only once complete (they are short).
#include "loadgen/reply_parser.h"

#include <charconv>
#include <cstring>

namespace shoal::loadgen {
namespace {

bool is_error_line(std::string_view line) noexcept {
  return line == "ERROR" || line.starts_with("ERROR ") || line.starts_with("CLIENT_ERROR ") ||
         line.starts_with("SERVER_ERROR ") || line == "CLIENT_ERROR" || line == "SERVER_ERROR";
}

// The <bytes> field of "VALUE <key> <flags> <bytes>[ <cas>]", or -1.
int64_t value_length(std::string_view line) noexcept {
  line.remove_prefix(6);                     // "VALUE "
  for (int field = 0; field < 2; ++field) {  // skip key and flags
    const size_t space = line.find(' ');
    if (space == 0 || space == std::string_view::npos) return -1;
    line.remove_prefix(space + 1);
  }
  const size_t end = line.find(' ');
  const std::string_view digits = line.substr(0, end);
  uint64_t length = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty()) return -1;
  if (length > (uint64_t{1} << 40)) return -1;
  return static_cast<int64_t>(length);
}

}  // namespace

parse_status reply_parser::parse(std::string_view in, request_kind kind, size_t* consumed,
                                 reply* out) noexcept {
  size_t pos = 0;
  for (;;) {
    if (state_ == state::data) {
      const size_t take = std::min<uint64_t>(data_left_, in.size() - pos);
      pos += take;
      data_left_ -= take;
      if (data_left_ > 0) {
        *consumed = pos;
        return parse_status::need_more;
      }
      state_ = state::data_end;
    }
    if (state_ == state::data_end) {
      if (in.size() - pos < 2) {
        *consumed = pos;
        return parse_status::need_more;
      }
      if (in[pos] != '\r' || in[pos + 1] != '\n') return parse_status::bad_reply;
      pos += 2;
      state_ = state::line;
    }

    const char* start = in.data() + pos;
    const size_t available = in.size() - pos;
    const void* newline = std::memchr(start, '\n', std::min(available, k_max_line));
    if (newline == nullptr) {
      if (available >= k_max_line) return parse_status::bad_reply;
      *consumed = pos;
      return parse_status::need_more;
    }
    const size_t line_end = static_cast<size_t>(static_cast<const char*>(newline) - start);
    if (line_end == 0 || start[line_end - 1] != '\r') return parse_status::bad_reply;
    const std::string_view line(start, line_end - 1);
    pos += line_end + 1;

    if (kind == request_kind::get) {
      if (line == "END") {
        *out = reply{hits_, false};
        hits_ = 0;
        *consumed = pos;
        return parse_status::complete;
      }
      if (line.starts_with("VALUE ")) {
        const int64_t length = value_length(line);
        if (length < 0) return parse_status::bad_reply;
        ++hits_;
        data_left_ = static_cast<uint64_t>(length);
        state_ = state::data;
        continue;
      }
    } else if (line == "STORED") {
      *out = reply{0, false};
      *consumed = pos;
      return parse_status::complete;
    } else if (line == "NOT_STORED" || line == "EXISTS" || line == "NOT_FOUND") {
      *out = reply{0, true};
      *consumed = pos;
      return parse_status::complete;
    }
    if (is_error_line(line)) {
      *out = reply{hits_, true};
      hits_ = 0;
      *consumed = pos;
      return parse_status::complete;
    }
    return parse_status::bad_reply;
  }
}

}  // namespace shoal::loadgen
