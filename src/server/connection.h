// connection serves one client on one shard: a coroutine that reads whatever
// the client pipelined, parses every complete request, runs them through the
// batch_executor (locally or on the keys' owner shards), and writes all their
// replies with one send, in request order; then reads again. It stops reading
// while a send is pending, so a client that does not read its replies cannot
// grow the server's memory (docs/architecture.md#2-read-and-parse).
//
// Threading: created, run and destroyed on one shard; registered in that
// shard's shard_service so that stats, the idle check and shutdown can find it.
#pragma once

#include <cstdint>
#include <string>

#include "base/intrusive_list.h"
#include "net/connected_socket.h"
#include "protocol/command.h"
#include "protocol/text_parser.h"
#include "runtime/task.h"
#include "server/batch_executor.h"
#include "server/input_buffer.h"

namespace shoal::server {

class shard_service;

class connection : public intrusive_list_hook {
 public:
  // `peer` and `listener` are for `stats conns` ("tcp:127.0.0.1:4242").
  connection(shard_service& shard, connected_socket socket, std::string peer,
             std::string listener);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Serves the client until it disconnects, sends `quit`, breaks the
  // protocol in a way memcached answers by closing, or close() is called.
  task<void> serve();

  // Cancels pending I/O; serve() then finishes. Idempotent.
  void close() noexcept;

  // Seconds-since-start of the last request (for the idle timeout).
  uint32_t last_active() const { return last_active_; }
  bool busy() const { return state_ != state::waiting; }

  // Appends this connection's `stats conns` lines.
  void describe(std::string& out, uint32_t now) const;

 private:
  enum class state : uint8_t { waiting, parsing, writing, closing };

  // Why run_commands() stopped.
  enum class step : uint8_t {
    need_more,    // the input holds no complete command: send, then read
    special,      // cmd_ needs run_special(), after what came before is sent
    yield,        // -R commands ran: let other connections run
    flush_early,  // the replies so far are big: send them before going on
    close,        // memcached closes here without a reply
  };

  // Parses and runs commands from the input until one of the steps above.
  // Synchronous: local keys run at once, remote ones are queued.
  step run_commands(cache_time now, uint32_t& since_yield);
  // Sends everything the batch has so far; false: the socket failed.
  task<bool> flush();
  bool send_gathered(const io_result<size_t>& sent);
  // Runs a command batch_executor does not; false: close the connection.
  task<bool> run_special(const protocol::command& cmd);
  void drop_swallowed();
  void log_request(std::string_view input, size_t used) const;

  shard_service& shard_;
  connected_socket socket_;
  std::string peer_;
  std::string listener_;
  protocol::text_parser parser_;
  protocol::command cmd_;
  input_buffer in_;
  batch_executor exec_;
  uint64_t swallow_ = 0;  // bytes of a refused value still to discard
  uint32_t last_active_ = 0;
  bool authenticated_;
  state state_ = state::waiting;
};

// Accepts a new client on this shard: enforces -c (memcached's "ERROR Too
// many open connections" reply), registers and serves it. Spawned once per
// accepted socket.
task<void> serve_new_connection(shard_service& shard, connected_socket socket, std::string peer,
                                std::string listener);

}  // namespace shoal::server
