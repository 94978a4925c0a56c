// The cold parts of command.h: the error texts (kept in one table so that the
// parser, the writer and the tests cannot disagree on a byte), names, reset()
// and describe(). describe() is what the split-point tests and the fuzzer
// compare, so it must print every field a command's meaning depends on.
#include "protocol/command.h"

#include <cstdio>

namespace shoal::protocol {

std::string_view error_text(client_error e) noexcept {
  switch (e) {
    case client_error::none:
      return {};
    case client_error::error:
      return "ERROR";
    case client_error::bad_command_line_format:
      return "CLIENT_ERROR bad command line format";
    case client_error::bad_data_chunk:
      return "CLIENT_ERROR bad data chunk";
    case client_error::delete_usage:
      return "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]";
    case client_error::invalid_delta:
      return "CLIENT_ERROR invalid numeric delta argument";
    case client_error::invalid_exptime:
      return "CLIENT_ERROR invalid exptime argument";
    case client_error::invalid_shutdown_mode:
      return "CLIENT_ERROR invalid shutdown mode";
    case client_error::unauthenticated:
      return "CLIENT_ERROR unauthenticated";
    case client_error::bad_auth_token_format:
      return "CLIENT_ERROR bad authentication token format";
    case client_error::bad_command_termination:
      return "CLIENT_ERROR bad command line termination";
  }
  return "ERROR";
}

std::string_view kind_name(command_kind k) noexcept {
  switch (k) {
    case command_kind::get:
      return "get";
    case command_kind::gets:
      return "gets";
    case command_kind::gat:
      return "gat";
    case command_kind::gats:
      return "gats";
    case command_kind::set:
      return "set";
    case command_kind::add:
      return "add";
    case command_kind::replace:
      return "replace";
    case command_kind::append:
      return "append";
    case command_kind::prepend:
      return "prepend";
    case command_kind::cas:
      return "cas";
    case command_kind::delete_:
      return "delete";
    case command_kind::incr:
      return "incr";
    case command_kind::decr:
      return "decr";
    case command_kind::touch:
      return "touch";
    case command_kind::flush_all:
      return "flush_all";
    case command_kind::version:
      return "version";
    case command_kind::verbosity:
      return "verbosity";
    case command_kind::quit:
      return "quit";
    case command_kind::stats:
      return "stats";
    case command_kind::shutdown:
      return "shutdown";
    case command_kind::cache_memlimit:
      return "cache_memlimit";
    case command_kind::auth:
      return "auth";
    case command_kind::client_error:
      return "client_error";
  }
  return "?";
}

namespace {

// Printable rendering of protocol bytes: control characters and bytes >= 0x7f
// as \xNN so that test failures show exactly what was parsed.
void append_escaped(std::string& out, std::string_view s) {
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch >= 0x7f || ch == '\\') {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
}

void append_field(std::string& out, const char* name, uint64_t v) {
  out += ' ';
  out += name;
  out += '=';
  out += std::to_string(v);
}

}  // namespace

std::string describe(const command& c, size_t max_value_bytes) {
  std::string out(kind_name(c.kind));
  if (c.kind == command_kind::client_error) {
    out += " \"";
    out += error_text(c.error);
    out += "\" failed=";
    out += kind_name(c.failed);
  }
  if (c.noreply) out += " noreply";
  if (c.too_large) out += " too_large";
  if (c.graceful) out += " graceful";
  if (!c.key.empty() || is_storage(c.kind)) {
    out += " key=";
    append_escaped(out, c.key);
  }
  if (!c.keys.empty()) {
    out += " keys=[";
    for (size_t i = 0; i < c.keys.size(); ++i) {
      if (i) out += ',';
      append_escaped(out, c.keys[i]);
    }
    out += ']';
  }
  if (c.flags) append_field(out, "flags", c.flags);
  if (c.exptime) {
    out += " exptime=";
    out += std::to_string(c.exptime);
  }
  if (c.cas_unique) append_field(out, "cas", c.cas_unique);
  if (c.delta) append_field(out, "delta", c.delta);
  if (c.number) append_field(out, "number", c.number);
  if (c.swallow) append_field(out, "swallow", c.swallow);
  if (is_storage(c.kind) && !c.too_large) {
    out += " value=";
    out += std::to_string(c.value.size());
    out += ':';
    append_escaped(out, c.value.substr(0, max_value_bytes));
    if (c.value.size() > max_value_bytes) out += "...";
  }
  for (size_t i = 0; i < c.arg_count; ++i) {
    out += " arg=";
    append_escaped(out, c.args[i]);
  }
  return out;
}

}  // namespace shoal::protocol
