// Listening sockets and their accept/receive loops, per shard.
#include "server/network_service.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <system_error>

#include "protocol/response_writer.h"
#include "protocol/text_parser.h"
#include "protocol/udp_frame.h"
#include "runtime/smp.h"
#include "runtime/timer.h"
#include "server/admin_commands.h"
#include "server/batch_executor.h"
#include "server/connection.h"
#include "server/shard_service.h"

namespace shoal::server {

using namespace std::chrono_literals;

namespace {

socket_address to_address(const socket_endpoint& e) {
  return socket_address(reinterpret_cast<const sockaddr*>(&e.address), e.length);
}

// Probes `e` with a plain bind (SO_REUSEADDR only, as memcached binds).
void probe_bind(const socket_endpoint& e, int type, const char* what) {
  const int fd = ::socket(e.family(), type | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::system_category(), "socket()");
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (e.family() == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  const int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&e.address), e.length);
  const int err = errno;
  ::close(fd);
  if (rc != 0) {
    throw std::system_error(
        err, std::system_category(),
        std::string("failed to listen on ") + what + " port " + std::to_string(e.port()));
  }
}

}  // namespace

void check_endpoints_free(const config& cfg) {
  for (const socket_endpoint& e : cfg.net.tcp_endpoints) probe_bind(e, SOCK_STREAM, "TCP");
  for (const socket_endpoint& e : cfg.net.udp_endpoints) probe_bind(e, SOCK_DGRAM, "UDP");
}

network_service::network_service(server_context* context, sharded<shard_service>* shards)
    : context_(context), shards_(shards) {}

void network_service::start() {
  const config& cfg = context_->cfg;
  listen_options options;
  options.backlog = cfg.net.listen_backlog;
  if (!cfg.net.unix_socket.empty()) {
    if (this_shard_id() != 0) return;
    options.unix_permissions = cfg.net.unix_socket_mode;
    auto listener = std::make_unique<tcp_listener>(
        tcp_listener::listen(socket_address::unix_path(cfg.net.unix_socket), options));
    spawn(accept_unix_loop(*listener, "unix:" + cfg.net.unix_socket));
    listeners_.push_back(std::move(listener));
    return;
  }
  options.reuse_port = true;
  for (const socket_endpoint& e : cfg.net.tcp_endpoints) {
    auto listener = std::make_unique<tcp_listener>(tcp_listener::listen(to_address(e), options));
    spawn(accept_loop(*listener, "tcp:" + e.to_string()));
    listeners_.push_back(std::move(listener));
  }
  for (const socket_endpoint& e : cfg.net.udp_endpoints) {
    auto socket = std::make_unique<udp_socket>(udp_socket::bind(to_address(e), true));
    spawn(udp_loop(*socket));
    udp_sockets_.push_back(std::move(socket));
  }
}

task<void> network_service::stop() {
  for (auto& l : listeners_) l->close();
  for (auto& u : udp_sockets_) u->close();
  shard_service& shard = shards_->local();
  // Connections finish the batch they are in, then see their socket closed.
  while (running_loops_ > 0 || !shard.connections().empty()) {
    shard.connections().for_each([](connection& c) { c.close(); });
    co_await sleep_for(1ms);
  }
  listeners_.clear();
  udp_sockets_.clear();
}

task<void> network_service::accept_loop(tcp_listener& listener, std::string name) {
  ++running_loops_;
  shard_service& shard = shards_->local();
  while (listener.is_open()) {
    io_result<accept_result> accepted = co_await listener.accept();
    if (!accepted.ok()) {
      if (accepted.error() == std::errc::operation_canceled || !listener.is_open()) break;
      // EMFILE and friends: back off briefly instead of spinning.
      co_await sleep_for(10ms);
      continue;
    }
    spawn(serve_new_connection(shard, std::move(accepted->socket),
                               "tcp:" + accepted->peer.to_string(), name));
  }
  --running_loops_;
}

task<void> network_service::accept_unix_loop(tcp_listener& listener, std::string name) {
  ++running_loops_;
  while (listener.is_open()) {
    io_result<accept_result> accepted = co_await listener.accept();
    if (!accepted.ok()) {
      if (accepted.error() == std::errc::operation_canceled || !listener.is_open()) break;
      co_await sleep_for(10ms);
      continue;
    }
    // SO_REUSEPORT does not spread unix sockets: deal them out in turn.
    const unsigned target = next_unix_shard_;
    next_unix_shard_ = (next_unix_shard_ + 1) % context_->shard_count;
    if (target == this_shard_id()) {
      spawn(serve_new_connection(shards_->local(), std::move(accepted->socket), name, name));
      continue;
    }
    const int fd = accepted->socket.release_fd();
    sharded<shard_service>* shards = shards_;
    post_to(target, [shards, fd, name] {
      connected_socket socket;
      try {
        socket = connected_socket::adopt(fd);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "shoal: cannot adopt a unix connection: %s\n", e.what());
        return;  // adopt() closed the fd
      }
      spawn(serve_new_connection(shards->local(), std::move(socket), name, name));
    });
  }
  --running_loops_;
}

// One request datagram at a time: parse its commands, run them like a
// connection's batch, and send the reply as one framed message.
task<void> network_service::udp_loop(udp_socket& socket) {
  ++running_loops_;
  shard_service& shard = shards_->local();
  std::vector<char> datagram(64 * 1024);
  protocol::text_parser parser(context_->cfg.cache.max_item_size);
  protocol::command cmd;
  batch_executor exec(shard);
  reply_buffer reply;
  std::vector<iovec> frame_iov;
  while (socket.is_open()) {
    io_result<recv_from_result> got = co_await socket.recv_from(datagram);
    if (!got.ok()) {
      if (got.error() == std::errc::operation_canceled || !socket.is_open()) break;
      continue;
    }
    shard.counters().bytes_read += got->bytes;
    const protocol::udp_request request =
        protocol::parse_udp_request(std::string_view(datagram.data(), got->bytes));
    if (request.status != protocol::udp_request_status::ok) continue;

    const cache_time now = context_->now();
    std::string_view input = request.payload;
    parser.reset();
    reply.clear();
    auto collect = [&]() -> task<void> {
      if (exec.has_remote()) co_await exec.dispatch(context_->now());
      for (const iovec& v : exec.gather())
        reply.append(static_cast<const char*>(v.iov_base), v.iov_len);
      exec.reset();
    };
    while (!input.empty()) {
      size_t used = 0;
      if (parser.parse(input, &used, &cmd) != protocol::parse_status::complete) break;
      input.remove_prefix(used);
      if (cmd.too_large) input.remove_prefix(std::min<size_t>(input.size(), cmd.swallow));
      if (exec.try_execute(cmd, now)) continue;
      if (cmd.kind == protocol::command_kind::quit) break;
      if (is_admin_command(cmd)) {
        co_await collect();
        co_await run_admin_command(shard, cmd, exec.out());
      } else {
        protocol::write_reply(exec.out(), protocol::reply::error);
      }
    }
    co_await collect();

    protocol::udp_reply_frames frames(request.request_id, reply.view());
    if (!frames.fits()) continue;
    for (size_t i = 0; i < frames.count(); ++i) {
      const protocol::udp_header_bytes header = frames.header(i);
      const std::string_view payload = frames.payload(i);
      frame_iov = {{const_cast<char*>(header.data()), header.size()},
                   {const_cast<char*>(payload.data()), payload.size()}};
      io_result<size_t> sent = co_await socket.send_to(got->peer, frame_iov);
      if (sent.ok()) shard.counters().bytes_written += *sent;
    }
  }
  --running_loops_;
}

}  // namespace shoal::server
