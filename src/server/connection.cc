// One client connection: read, parse, execute, reply, in batches. See
// connection.h for the contract and docs/architecture.md for the request path.
#include "server/connection.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "protocol/response_writer.h"
#include "runtime/smp.h"
#include "server/admin_commands.h"
#include "server/auth_file.h"
#include "server/shard_service.h"

namespace shoal::server {

using protocol::command_kind;
using protocol::parse_status;

namespace {

std::span<const char> bytes_of(const iovec& v) {
  return {static_cast<const char*>(v.iov_base), v.iov_len};
}

// A batch is sent early once its replies pass this size, so that a pipeline
// of big gets does not pile up a huge reply before the first byte leaves.
constexpr size_t k_flush_threshold = 256 * 1024;

}  // namespace

connection::connection(shard_service& shard, connected_socket socket, std::string peer,
                       std::string listener)
    : shard_(shard),
      socket_(std::move(socket)),
      peer_(std::move(peer)),
      listener_(std::move(listener)),
      parser_(shard.context().cfg.cache.max_item_size),
      exec_(shard),
      last_active_(shard.context().now()),
      authenticated_(!shard.context().cfg.protocol.ascii_auth_enabled()) {
  shard_.connections().push_back(*this);
  ++shard_.counters().curr_connections;
  ++shard_.counters().total_connections;
}

connection::~connection() {
  shard_.connections().erase(*this);
  --shard_.counters().curr_connections;
}

void connection::close() noexcept {
  state_ = state::closing;
  socket_.close();
}

// -vv logs each request line as memcached does ("<fd line"); -v only
// connection events.
void connection::log_request(std::string_view input, size_t used) const {
  std::string_view line = input.substr(0, used);
  if (const size_t nl = line.find('\n'); nl != std::string_view::npos) line = line.substr(0, nl);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::fprintf(stderr, "<%d %.*s\n", socket_.fd(), static_cast<int>(std::min<size_t>(line.size(), 1024)),
               line.data());
}

// The hot path is one coroutine: recv, run every complete command
// synchronously (run_commands), send. Only what must wait (another shard's
// reply, an admin command, an early flush) leaves the synchronous loop, so a
// batch of local commands costs one recv and one send and no extra task.
task<void> connection::serve() {
  const int fd = socket_.fd();
  if (shard_.context().verbosity.load(std::memory_order_relaxed) > 0) {
    std::fprintf(stderr, "<%d new client connection on shard %u\n", fd, this_shard_id());
  }
  bool open = true;
  while (open && socket_.is_open()) {
    state_ = state::waiting;
    std::span<char> space = in_.writable(parser_.needed());
    io_result<size_t> got = co_await socket_.recv(space);
    if (!got.ok() || *got == 0) break;
    in_.commit(*got);
    shard_.counters().bytes_read += *got;
    state_ = state::parsing;
    const cache_time now = shard_.context().now();
    last_active_ = now;
    uint32_t since_yield = 0;
    for (step next = run_commands(now, since_yield); next != step::need_more;
         next = run_commands(now, since_yield)) {
      if (next == step::close) {
        open = false;
        break;
      }
      if (!co_await flush()) {
        open = false;
        break;
      }
      if (next == step::special && !co_await run_special(cmd_)) {
        open = false;
        break;
      }
      if (next == step::yield) {
        // memcached's -R: let the shard's other connections run.
        since_yield = 0;
        ++shard_.counters().conn_yields;
        co_await yield();
      }
    }
    // The end of the batch: its replies leave in one send.
    if (!exec_.has_output()) continue;
    if (exec_.has_remote()) co_await exec_.dispatch(now);
    std::span<const iovec> replies = exec_.gather();
    if (replies.empty()) {  // only noreply commands
      exec_.reset();
      continue;
    }
    // The common batch is one buffer: a plain send, no msghdr.
    const bool sent = replies.size() == 1 ? send_gathered(co_await socket_.send(bytes_of(replies[0])))
                                          : send_gathered(co_await socket_.send(replies));
    if (!sent) break;
  }
  socket_.close();
  if (shard_.context().verbosity.load(std::memory_order_relaxed) > 0) {
    std::fprintf(stderr, "<%d connection closed.\n", fd);
  }
}

void connection::drop_swallowed() {
  const size_t n = static_cast<size_t>(std::min<uint64_t>(swallow_, in_.size()));
  in_.consume(n);
  swallow_ -= n;
}

connection::step connection::run_commands(cache_time now, uint32_t& since_yield) {
  const uint32_t per_event = shard_.context().cfg.net.reqs_per_event;
  while (true) {
    if (swallow_ > 0) drop_swallowed();
    const std::string_view input = in_.unread();
    if (input.empty()) return step::need_more;
    size_t used = 0;
    const parse_status status = authenticated_ ? parser_.parse(input, &used, &cmd_)
                                               : parser_.parse_unauthenticated(input, &used, &cmd_);
    if (status == parse_status::need_more) return step::need_more;
    if (status == parse_status::close) return step::close;
    if (shard_.context().verbosity.load(std::memory_order_relaxed) > 1) log_request(input, used);
    // The command's views stay valid: consume() only moves the start, and
    // nothing refills the buffer until this batch is done.
    in_.consume(used);
    if (cmd_.too_large) swallow_ = cmd_.swallow;
    if (!exec_.try_execute(cmd_, now)) return step::special;
    if (++since_yield >= per_event) return step::yield;
    if (exec_.pending_size() > k_flush_threshold) return step::flush_early;
  }
}

// Accounts a finished send and readies the executor for the next batch.
bool connection::send_gathered(const io_result<size_t>& sent) {
  const size_t bytes = exec_.gathered_bytes();
  exec_.reset();
  if (!sent.ok()) return false;
  shard_.counters().bytes_written += bytes;
  return true;
}

task<bool> connection::flush() {
  if (!exec_.has_output()) co_return true;
  if (exec_.has_remote()) co_await exec_.dispatch(shard_.context().now());
  std::span<const iovec> replies = exec_.gather();
  if (replies.empty()) {
    exec_.reset();
    co_return true;
  }
  state_ = state::writing;
  const bool ok = replies.size() == 1 ? send_gathered(co_await socket_.send(bytes_of(replies[0])))
                                       : send_gathered(co_await socket_.send(replies));
  state_ = state::parsing;
  co_return ok;
}

task<bool> connection::run_special(const protocol::command& cmd) {
  switch (cmd.kind) {
    case command_kind::quit:
      co_return false;
    case command_kind::auth: {
      ++shard_.counters().auth_cmds;
      if (credentials_match(shard_.context().cfg.protocol.auth_entries, cmd.args[0], cmd.args[1])) {
        authenticated_ = true;
        protocol::write_reply(exec_.out(), protocol::reply::stored);
      } else {
        ++shard_.counters().auth_errors;
        protocol::write_reply(exec_.out(), protocol::reply::auth_failure);
      }
      co_return true;
    }
    default:
      break;
  }
  if (is_admin_command(cmd)) {
    const admin_outcome outcome = co_await run_admin_command(shard_, cmd, exec_.out());
    co_return outcome == admin_outcome::keep_open;
  }
  protocol::write_reply(exec_.out(), protocol::reply::error);
  co_return true;
}

void connection::describe(std::string& out, uint32_t now) const {
  const int fd = socket_.fd();
  const char* state_name = "conn_waiting";
  switch (state_) {
    case state::waiting: state_name = "conn_waiting"; break;
    case state::parsing: state_name = "conn_parse_cmd"; break;
    case state::writing: state_name = "conn_mwrite"; break;
    case state::closing: state_name = "conn_closing"; break;
  }
  char line[512];
  std::snprintf(line, sizeof line,
                "STAT %d:addr %s\r\nSTAT %d:listen_addr %s\r\nSTAT %d:state %s\r\n"
                "STAT %d:secs_since_last_cmd %u\r\nSTAT %d:shard %u\r\n",
                fd, peer_.c_str(), fd, listener_.c_str(), fd, state_name, fd,
                now >= last_active_ ? now - last_active_ : 0, fd, this_shard_id());
  out += line;
}

task<void> serve_new_connection(shard_service& shard, connected_socket socket, std::string peer,
                                std::string listener) {
  server_context& context = shard.context();
  const uint32_t open = context.open_connections.fetch_add(1, std::memory_order_relaxed) + 1;
  if (open > context.cfg.net.conn_limit || context.stopping.load(std::memory_order_relaxed)) {
    context.open_connections.fetch_sub(1, std::memory_order_relaxed);
    ++shard.counters().rejected_connections;
    static constexpr std::string_view k_busy = "ERROR Too many open connections\r\n";
    co_await socket.send(std::span<const char>(k_busy.data(), k_busy.size()));
    socket.close();
    co_return;
  }
  {
    connection conn(shard, std::move(socket), std::move(peer), std::move(listener));
    try {
      co_await conn.serve();
    } catch (const std::exception& e) {
      // A failure inside one connection (out of memory building a reply) ends
      // that connection only.
      std::fprintf(stderr, "shoal: shard %u: connection closed: %s\n", this_shard_id(), e.what());
    }
  }
  context.open_connections.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace shoal::server
