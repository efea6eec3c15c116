// Sign-in, sessions, and the administration of people and tokens (SPEC §6.2, docs/server.md).
// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/time.h"
#include "events/codec.h"
#include "server/server_internal.h"

namespace wulian::server {
namespace {

int64_t NowMs() { return SystemNowMicros() / 1000; }

std::string Studios(const std::vector<std::string>& studios) {
  std::string out = "[";
  for (size_t i = 0; i < studios.size(); ++i) out += (i ? "," : "") + JsonString(studios[i]);
  return out + "]";
}

std::string PersonJson(const Person& p) {
  return "{\"login\":" + JsonString(p.login) + ",\"name\":" + JsonString(p.name) + ",\"role\":\"" +
         RoleName(p.role) + "\",\"studios\":" + Studios(p.studios) +
         ",\"disabled\":" + (p.disabled ? "true" : "false") + "}";
}

// {"login", "name", "role", "studios", "csrf"?}: who a request acts as.
std::string WhoJson(const Principal& who, const std::string& csrf) {
  std::string out = "{\"login\":" + JsonString(who.name) + ",\"name\":" +
                    JsonString(who.display_name.empty() ? who.name : who.display_name) +
                    ",\"role\":\"" + RoleName(who.role) + "\",\"studios\":" + Studios(who.studios);
  if (!csrf.empty()) out += ",\"csrf\":" + JsonString(csrf);
  return out + "}";
}

// The value of cookie `name` in the request's Cookie headers, or "".
std::string CookieValue(const Request& req, std::string_view name) {
  for (auto it = req.find(http::field::cookie);
       it != req.end() && it->name() == http::field::cookie; ++it) {
    std::string_view rest(it->value().data(), it->value().size());
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
        return std::string(pair.substr(name.size() + 1));
      }
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    }
  }
  return "";
}

// Over TLS the cookie is Secure: a browser never sends it over plain HTTP.
std::string CookieHeader(const Server::Impl& impl, const std::string& value, bool clear) {
  std::string out =
      std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
  if (impl.tls) out += "; Secure";
  if (clear) out += "; Max-Age=0";
  return out;
}

Response TooMany(const Request& req, int64_t wait_ms) {
  const int64_t seconds = (wait_ms + 999) / 1000;
  Response res = JsonResponse(req, http::status::too_many_requests,
                              "{\"error\":{\"code\":\"TOO_MANY_ATTEMPTS\",\"message\":\"too many "
                              "failed sign-ins; try again later\",\"retryAfter\":" +
                                  std::to_string(seconds) + "}}");
  res.set(http::field::retry_after, std::to_string(seconds));
  return res;
}

// POST /v1/session {"login", "password"}. The password check runs on the blocking pool.
net::awaitable<Response> SignIn(Call& c) {
  JsonDocument doc;
  std::string login, password;
  Status s = doc.Parse(c.req.body());
  if (s.ok()) s = doc.GetString("login", &login);
  if (s.ok()) s = doc.GetString("password", &password);
  if (s.ok() && (login.size() > kLoginBytesMax || password.size() > kPasswordBytesMax))
    s = Status::InvalidArgument("login or password too long");
  if (!s.ok()) co_return ErrorResponse(c.req, s);
  Server::Impl& impl = c.impl;
  const std::string login_key = "login:" + login, address_key = "address:" + c.peer;
  // Both throttles count this attempt as failed before the check runs (see Throttle). The
  // address first: an address held up does not touch the login's count or wait.
  int64_t wait = impl.address_throttle.Begin(address_key, NowMs());
  if (wait == 0) {
    wait = impl.login_throttle.Begin(login_key, NowMs());
    if (wait > 0) impl.address_throttle.Undo(address_key);
  }
  if (wait > 0) co_return TooMany(c.req, wait);
  auto check = [&impl, login,
                password]() -> net::awaitable<std::pair<std::optional<Principal>, std::string>> {
    std::string credential;
    auto who = impl.parts.access->SignIn(login, password, &credential);
    co_return std::make_pair(who, credential);
  };
  auto [who, credential] =
      co_await net::co_spawn(impl.blocking.get_executor(), check(), net::use_awaitable);
  if (!who)
    co_return Plain(c.req, http::status::unauthorized, "UNAUTHORIZED", "wrong login or password");
  impl.login_throttle.Succeed(login_key);
  impl.address_throttle.Undo(address_key);
  const std::string id = impl.sessions.Create(who->name, credential, NowMs());
  auto session = impl.sessions.Use(id, NowMs());
  Response res = JsonResponse(c.req, http::status::ok, WhoJson(*who, session ? session->csrf : ""));
  res.set(http::field::set_cookie, CookieHeader(impl, id, false));
  co_return res;
}

}  // namespace

bool Authenticate(Call& c) {
  Access& access = *c.impl.parts.access;
  const auto auth = c.req[http::field::authorization];
  if (auth.starts_with("Bearer ")) {
    auto who = access.Authenticate(std::string(auth.substr(7)));
    if (who) c.who = *who;
    return who.has_value();
  }
  const std::string id = CookieValue(c.req, kSessionCookie);
  if (id.empty()) return false;
  auto session = c.impl.sessions.Use(id, NowMs());
  if (!session) return false;
  auto who = access.Current(session->login, session->credential);
  if (!who) {
    // Disabled, removed or with a new password since the sign-in.
    c.impl.sessions.End(id);
    return false;
  }
  c.who = *who;
  c.session_id = id;
  c.csrf = session->csrf;
  return true;
}

net::awaitable<std::optional<Response>> SessionRoute(Call& c) {
  if (c.target.path != "/v1/session") co_return std::nullopt;
  const auto method = c.req.method();
  if (method == http::verb::post) co_return co_await SignIn(c);
  if (method == http::verb::delete_) {
    // Signing out of a live session is a change of state like any other: a page elsewhere
    // may not do it for the person. A cookie with no live session is simply cleared.
    const std::string id = CookieValue(c.req, kSessionCookie);
    if (!id.empty()) {
      auto session = c.impl.sessions.Use(id, NowMs());
      if (session && !FromWorkspace(c.impl, c.req, session->csrf)) {
        co_return Plain(c.req, http::status::forbidden, "FORBIDDEN",
                        "a request with a session cookie must come from the workspace (Origin or "
                        "X-CSRF-Token)");
      }
      c.impl.sessions.End(id);
    }
    Response res = JsonResponse(c.req, http::status::ok, "{\"ok\":true}");
    res.set(http::field::set_cookie, CookieHeader(c.impl, "", true));
    co_return res;
  }
  if (method != http::verb::get && method != http::verb::head) {
    co_return Plain(c.req, http::status::method_not_allowed, "METHOD_NOT_ALLOWED",
                    "this route answers GET, POST and DELETE");
  }
  if (!Authenticate(c)) {
    co_return Plain(c.req, http::status::unauthorized, "UNAUTHORIZED", "not signed in");
  }
  co_return JsonResponse(c.req, http::status::ok, WhoJson(c.who, c.csrf));
}

namespace {

// The fields of a person sent by an admin, over `p`: name, role, studios, disabled.
Status ReadPerson(const JsonDocument& doc, Person* p) {
  Status s;
  for (const auto& name : doc.Names()) {
    if (!s.ok()) break;
    if (name == "login" || name == "password") continue;
    if (name == "name") {
      s = doc.GetString(name, &p->name);
    } else if (name == "studios") {
      s = doc.GetStringList(name, &p->studios);
    } else if (name == "disabled") {
      s = doc.GetBool(name, &p->disabled);
    } else if (name == "role") {
      std::string role;
      s = doc.GetString(name, &role);
      auto r = RoleFromName(role);
      if (s.ok() && !r)
        s = Status::InvalidArgument("role is recorder, supervisor, auditor or admin");
      if (s.ok()) p->role = *r;
    } else {
      s = Status::InvalidArgument("unknown field \"" + name + "\"");
    }
  }
  return s;
}

Response Answer(const Request& req, const Status& s, http::status ok, const std::string& body) {
  return s.ok() ? JsonResponse(req, ok, body) : ErrorResponse(req, s);
}

// The admin routes, run on the blocking pool (password hashing is slow by design).
Response Admin(Call& c) {
  Access& access = *c.impl.parts.access;
  const std::string& path = c.target.path;
  const auto method = c.req.method();
  const bool get = method == http::verb::get || method == http::verb::head;
  const std::string now = FormatInstant(SystemNowMicros() / 1000 * 1000);
  JsonDocument doc;
  Status s = get || method == http::verb::delete_ ? Status::OK() : doc.Parse(c.req.body());
  if (!s.ok()) return ErrorResponse(c.req, s);
  if (path == "/v1/users" && get) {
    std::string out = "[";
    for (const auto& p : access.People()) out += (out.size() > 1 ? "," : "") + PersonJson(p);
    return JsonResponse(c.req, http::status::ok, out + "]");
  }
  if (path == "/v1/users" && method == http::verb::post) {
    Person p;
    std::string password, generated;
    s = doc.GetString("login", &p.login);
    if (s.ok() && doc.Has("password")) s = doc.GetString("password", &password);
    if (s.ok() && !doc.Has("role"))
      s = Status::InvalidArgument("role is required: recorder, supervisor, auditor or admin");
    if (s.ok()) s = ReadPerson(doc, &p);
    if (s.ok()) s = access.AddPerson(p, password, now, &generated);
    if (!s.ok()) return ErrorResponse(c.req, s);
    std::string body = PersonJson(p);
    if (!generated.empty())
      body = body.substr(0, body.size() - 1) + ",\"password\":" + JsonString(generated) + "}";
    return JsonResponse(c.req, http::status::created, body);
  }
  const std::string users = "/v1/users/";
  if (path.rfind(users, 0) == 0 && method == http::verb::post) {
    std::string login = path.substr(users.size());
    const bool password_route = login.ends_with("/password");
    if (password_route) login.resize(login.size() - 9);
    auto person = access.FindPerson(login);
    if (!person) return ErrorResponse(c.req, Status::NotFound("no person \"" + login + "\""));
    if (password_route) {
      std::string password, generated;
      if (doc.Has("password")) s = doc.GetString("password", &password);
      if (s.ok()) s = access.SetPassword(login, password, now, &generated);
      if (s.ok()) c.impl.sessions.EndAll(login);
      return Answer(c.req, s, http::status::ok,
                    "{\"login\":" + JsonString(login) +
                        (generated.empty() ? "" : ",\"password\":" + JsonString(generated)) + "}");
    }
    s = ReadPerson(doc, &*person);
    if (s.ok() && person->role != Role::kRecorder && !doc.Has("studios")) person->studios.clear();
    if (s.ok()) s = access.UpdatePerson(*person, now);
    if (s.ok() && person->disabled) c.impl.sessions.EndAll(login);
    return Answer(c.req, s, http::status::ok, PersonJson(*person));
  }
  if (path == "/v1/tokens" && get) {
    return JsonResponse(c.req, http::status::ok, LinesToArray(access.List()));
  }
  if (path == "/v1/tokens" && method == http::verb::post) {
    std::string name, role_name, secret;
    std::vector<std::string> studios;
    s = doc.GetString("name", &name);
    if (s.ok()) s = doc.GetString("role", &role_name);
    if (s.ok() && doc.Has("studios")) s = doc.GetStringList("studios", &studios);
    auto role = RoleFromName(role_name);
    if (s.ok() && !role)
      s = Status::InvalidArgument("role is recorder, supervisor, auditor or admin");
    if (s.ok()) s = access.Grant(name, *role, studios, now, &secret);
    if (!s.ok()) return ErrorResponse(c.req, s);
    return JsonResponse(c.req, http::status::created,
                        "{\"name\":" + JsonString(name) + ",\"role\":\"" + RoleName(*role) +
                            "\",\"studios\":" + Studios(studios) +
                            ",\"token\":" + JsonString(secret) + "}");
  }
  const std::string tokens = "/v1/tokens/";
  if (path.rfind(tokens, 0) == 0 && method == http::verb::delete_) {
    s = access.Revoke(path.substr(tokens.size()), now);
    return Answer(c.req, s, http::status::ok, "{\"ok\":true}");
  }
  if (path == "/v1/access/history" && get) {
    return JsonResponse(c.req, http::status::ok, LinesToArray(access.History(/*secrets=*/false)));
  }
  return Plain(c.req, http::status::method_not_allowed, "METHOD_NOT_ALLOWED",
               "this route does not answer " + std::string(c.req.method_string()));
}

}  // namespace

net::awaitable<std::optional<Response>> AdminRoute(Call& c) {
  const std::string& path = c.target.path;
  const bool ours = path == "/v1/users" || path.rfind("/v1/users/", 0) == 0 ||
                    path == "/v1/tokens" || path.rfind("/v1/tokens/", 0) == 0 ||
                    path == "/v1/access/history";
  if (!ours) co_return std::nullopt;
  if (c.who.role != Role::kAdmin) {
    co_return Plain(c.req, http::status::forbidden, "FORBIDDEN", "only an admin may do this");
  }
  auto run = [&c]() -> net::awaitable<Response> { co_return Admin(c); };
  co_return co_await net::co_spawn(c.impl.blocking.get_executor(), run(), net::use_awaitable);
}

}  // namespace wulian::server
