// Parses each benchmark request N times so that valgrind's callgrind can count
// the instructions spent inside text_parser::parse per command, a figure that
// does not depend on how busy the machine is:
//
//   valgrind --tool=callgrind --callgrind-out-file=cg.out
//     --toggle-collect='shoal::protocol::text_parser::parse(*'
//     build/bench/protocol/shoal_protocol_callgrind get 100000
//   (one command line), then: callgrind_annotate cg.out | head
//   total Ir / 100000 = instructions per command
//
// Parse workloads: get, set (100-byte value), multiget10. Reply workloads
// (instructions per reply appended to a reused std::string): write_get100
// (VALUE block + END), write_gets100 (with a CAS), write_number.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "protocol/command.h"
#include "protocol/response_writer.h"
#include "protocol/text_parser.h"

int main(int argc, char** argv) {
  using namespace shoal::protocol;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <workload> <count>\n", argv[0]);
    return 2;
  }
  const long count = std::atol(argv[2]);
  if (std::strncmp(argv[1], "write_", 6) == 0) {
    const int mode = std::strcmp(argv[1], "write_get100") == 0    ? 0
                     : std::strcmp(argv[1], "write_gets100") == 0 ? 1
                                                                  : 2;
    const std::string value(100, 'v');
    std::string out;
    out.reserve(4096);
    size_t total = 0;
    for (long i = 0; i < count; ++i) {
      out.clear();
      if (mode == 0) {
        write_value(out, "user:1234567890", 0, value);
        write_end(out);
      } else if (mode == 1) {
        write_value(out, "user:1234567890", 42, value, static_cast<uint64_t>(i) + 123456789);
        write_end(out);
      } else {
        write_number(out, static_cast<uint64_t>(i) + 9876543210);
      }
      total += out.size();
    }
    std::printf("%s: %ld replies, checksum %zu\n", argv[1], count, total);
    return 0;
  }
  std::string input;
  if (std::strcmp(argv[1], "get") == 0) {
    input = "get user:1234567890\r\n";
  } else if (std::strcmp(argv[1], "set") == 0) {
    input = "set user:1234567890 0 0 100\r\n" + std::string(100, 'v') + "\r\n";
  } else if (std::strcmp(argv[1], "multiget10") == 0) {
    input = "get";
    for (int i = 0; i < 10; ++i) input += " user:123456789" + std::to_string(i);
    input += "\r\n";
  } else {
    std::fprintf(stderr, "unknown workload %s\n", argv[1]);
    return 2;
  }
  text_parser parser;
  command cmd;
  size_t total = 0;
  for (long i = 0; i < count; ++i) {
    size_t used;
    if (parser.parse(input, &used, &cmd) != parse_status::complete) return 1;
    total += used + cmd.keys.size();
  }
  std::printf("%s: %ld commands, checksum %zu\n", argv[1], count, total);
  return 0;
}
