// network_service is one shard's listening side: its own TCP listeners (every
// shard binds every -l address with SO_REUSEPORT, so the kernel spreads new
// connections over shards), its own UDP sockets (likewise), and on shard 0 the
// unix-domain listener of -s, which hands each accepted connection to the
// shards in turn. One instance per shard in a sharded<network_service>.
#pragma once

#include <memory>
#include <vector>

#include "net/tcp_listener.h"
#include "net/udp_socket.h"
#include "runtime/task.h"
#include "server/server_context.h"

namespace shoal::server {

class shard_service;

class network_service {
 public:
  network_service(server_context* context, sharded<shard_service>* shards);
  network_service(const network_service&) = delete;
  network_service& operator=(const network_service&) = delete;

  // Binds this shard's sockets and starts accepting. Throws std::system_error
  // when a socket cannot be set up (e.g. the port is in use).
  void start();
  // Stops accepting, closes every client connection of this shard and waits
  // until their tasks have finished.
  task<void> stop();

 private:
  task<void> accept_loop(tcp_listener& listener, std::string name);
  task<void> accept_unix_loop(tcp_listener& listener, std::string name);
  task<void> udp_loop(udp_socket& socket);

  server_context* context_;
  sharded<shard_service>* shards_;
  std::vector<std::unique_ptr<tcp_listener>> listeners_;
  std::vector<std::unique_ptr<udp_socket>> udp_sockets_;
  unsigned running_loops_ = 0;
  unsigned next_unix_shard_ = 0;
};

// Fails (std::system_error, as memcached words it) if something else already
// listens on the TCP endpoints or holds the UDP ones: with SO_REUSEPORT our own
// bind would otherwise quietly share the port with another process. Shard 0
// calls it once before the shards bind.
void check_endpoints_free(const config& cfg);

}  // namespace shoal::server
