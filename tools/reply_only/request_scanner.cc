// Why so little parsing: the reply-only server exists to show the ceiling of
// the runtime and the network stack on this machine, so per-request work is
// kept to finding the line end and the first token; the data block of a
// storage command is skipped by length, as a real server must do anyway.
#include "reply_only/request_scanner.h"

#include <charconv>
#include <cstring>

namespace shoal::reply_only {
namespace {

bool is_retrieval(std::string_view command) {
  return command == "get" || command == "gets" || command == "gat" || command == "gats" ||
         command == "bget";
}

bool is_storage(std::string_view command) {
  return command == "set" || command == "add" || command == "replace" || command == "append" ||
         command == "prepend" || command == "cas";
}

// Splits off the next space-separated token of `line` (a plain loop: the
// generic find_first_not_of was a third of the server's user time).
std::string_view next_token(std::string_view& line) {
  const char* p = line.data();
  const char* end = p + line.size();
  while (p < end && *p == ' ') ++p;
  const char* start = p;
  while (p < end && *p != ' ') ++p;
  line = std::string_view(p, static_cast<size_t>(end - p));
  return std::string_view(start, static_cast<size_t>(p - start));
}

}  // namespace

void request_scanner::answer_retrieval(std::string_view command, std::string_view keys,
                                       std::string& out) const {
  if (hits_) {
    const bool with_cas = command == "gets" || command == "gats";
    if (command == "gat" || command == "gats") next_token(keys);  // exptime
    char length[24];
    const auto [length_end, ec] = std::to_chars(length, length + sizeof length, hit_value_.size());
    const std::string_view length_text(length, static_cast<size_t>(length_end - length));
    for (std::string_view key = next_token(keys); !key.empty(); key = next_token(keys)) {
      out.append("VALUE ").append(key).append(" 0 ").append(length_text);
      out.append(with_cas ? " 1\r\n" : "\r\n").append(hit_value_).append("\r\n");
    }
  }
  out.append("END\r\n");
}

scan_result request_scanner::scan(std::string_view in, std::string& out) {
  scan_result result;
  size_t pos = 0;
  for (;;) {
    if (data_left_ > 0) {
      const size_t take = std::min<uint64_t>(data_left_, in.size() - pos);
      pos += take;
      data_left_ -= take;
      if (data_left_ > 0) break;
    }
    const char* start = in.data() + pos;
    const size_t available = in.size() - pos;
    const void* newline = std::memchr(start, '\n', available);
    if (newline == nullptr) {
      if (available > k_max_line) result.close = true;
      break;
    }
    size_t line_length = static_cast<size_t>(static_cast<const char*>(newline) - start);
    pos += line_length + 1;
    if (line_length > 0 && start[line_length - 1] == '\r') --line_length;
    std::string_view line(start, line_length);

    ++result.requests;
    const std::string_view command = next_token(line);
    if (is_retrieval(command)) {
      answer_retrieval(command, line, out);
    } else if (is_storage(command)) {
      std::string_view fields = line;
      next_token(fields);  // key
      next_token(fields);  // flags
      next_token(fields);  // exptime
      const std::string_view bytes = next_token(fields);
      uint64_t length = 0;
      auto [ptr, ec] = std::from_chars(bytes.data(), bytes.data() + bytes.size(), length);
      if (ec != std::errc() || ptr != bytes.data() + bytes.size() || bytes.empty()) {
        out.append("CLIENT_ERROR bad command line format\r\n");
        continue;
      }
      if (command == "cas") next_token(fields);  // cas unique
      data_left_ = length + 2;
      if (next_token(fields) != "noreply") out.append("STORED\r\n");
    } else if (command == "version") {
      out.append("VERSION shoal-reply-only\r\n");
    } else if (command == "quit") {
      result.close = true;
      pos = in.size();
      break;
    } else {
      out.append("ERROR\r\n");
    }
  }
  result.consumed = pos;
  return result;
}

}  // namespace shoal::reply_only
