// Signing in for the web console (decisions 0051-0053), through the real binary over plain
// HTTP: logins and invites made with the admin command, sessions through the public API.
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "integration/world.hpp"

namespace fr::testing {
namespace {

using std::chrono::milliseconds;

constexpr const char* kAnnPassword = "purple tractor sings softly";

// What a browser keeps from a sign-in.
struct Session {
  std::int64_t id = 0;
  std::string secret;  // the cookie's value
  std::string csrf;

  std::string Cookie() const { return "Cookie: theme=dark; fr_session=" + secret; }
  std::string Csrf() const { return "X-CSRF-Token: " + csrf; }
};

class SignInHttpTest : public WorldTest {
 protected:
  std::vector<std::string> ExtraServerArgs() override {
    return {"--login-failures-per-account", "5", "--login-failures-per-address", "12"};
  }

  // The secret of a fresh invite link for `user` from the admin command.
  std::string InviteSecret(std::int64_t user) {
    const std::string url = server_.Admin({"user", "invite", "--user", Str(user)})["url"];
    return url.substr(url.find("#invite=") + 8);
  }
  // Gives `user` the login `email` with `password`, as an operator and the user would.
  void GiveLogin(std::int64_t user, const std::string& email, const std::string& password) {
    server_.Admin({"user", "set-login", "--user", Str(user), "--email", email});
    const auto set = SetPassword(InviteSecret(user), password);
    ASSERT_EQ(set.status, 204) << set.body;
  }
  HttpResult SetPassword(const std::string& invite, const std::string& password) {
    return client_->SendJson("POST", "/v1/password", {},
                             nlohmann::json{{"invite", invite}, {"password", password}}.dump());
  }
  HttpResult SignIn(const std::string& email, const std::string& password,
                    const std::vector<std::string>& headers = {}) {
    return client_->SendJson("POST", "/v1/session", headers,
                             nlohmann::json{{"email", email}, {"password", password}}.dump());
  }
  Session SignedIn(const std::string& email, const std::string& password) {
    const HttpResult result = SignIn(email, password);
    EXPECT_EQ(result.status, 200) << result.body;
    Session session;
    const std::string cookie = result.Header("set-cookie");
    const auto start = cookie.find('=') + 1;
    session.secret = cookie.substr(start, cookie.find(';') - start);
    if (result.status == 200) {
      session.id = result.Json()["sessionID"];
      session.csrf = result.Json()["csrfToken"];
    }
    return session;
  }
  void SetUp() override {
    WorldTest::SetUp();
    GiveLogin(ann_, "Ann@Relief.example", kAnnPassword);
  }
};

TEST_F(SignInHttpTest, SignInSetsAStrictHttpOnlyCookieAndAnswersUserExpiryAndCsrfToken) {
  const auto result = SignIn("ann@relief.EXAMPLE", kAnnPassword, {"User-Agent: TestBrowser/1"});
  ASSERT_EQ(result.status, 200) << result.body;
  const std::string cookie = result.Header("set-cookie");
  EXPECT_TRUE(std::regex_match(
      cookie, std::regex("fr_session=frses_[A-Za-z0-9_-]{43}; Path=/; Max-Age=604800; HttpOnly; "
                         "SameSite=Strict")))
      << cookie;
  const auto body = result.Json();
  EXPECT_EQ(body["user"]["id"], ann_);
  EXPECT_EQ(body["user"]["name"], "Ann Admin");
  EXPECT_TRUE(std::regex_match(body["csrfToken"].get<std::string>(), std::regex("[0-9a-f]{64}")));
  EXPECT_EQ(cookie.find(body["csrfToken"].get<std::string>()), std::string::npos);
  const std::regex rfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  EXPECT_TRUE(std::regex_match(body["expiresAt"].get<std::string>(), rfc3339));
  EXPECT_TRUE(std::regex_match(body["idleExpiresAt"].get<std::string>(), rfc3339));
  EXPECT_LT(body["idleExpiresAt"].get<std::string>(), body["expiresAt"].get<std::string>());

  // Behind a TLS proxy that says so, the cookie is Secure.
  for (const char* proxy : {"X-Forwarded-Proto: https", "Forwarded: for=10.0.0.1;proto=https"}) {
    const auto proxied = SignIn("ann@relief.example", kAnnPassword, {proxy});
    ASSERT_EQ(proxied.status, 200);
    EXPECT_NE(proxied.Header("set-cookie").find("; Secure"), std::string::npos) << proxy;
  }
  // The sign-in answer carries the security headers like every other.
  EXPECT_EQ(result.Header("cache-control"), "no-store");
  EXPECT_EQ(result.Header("referrer-policy"), "no-referrer");
  EXPECT_NE(result.Header("content-security-policy").find("frame-ancestors 'none'"),
            std::string::npos);
}

TEST_F(SignInHttpTest, TheCookieAuthenticatesReadsAndWritesNeedTheCsrfHeader) {
  const Session ann = SignedIn("ann@relief.example", kAnnPassword);
  const auto me = client_->Get("/v1/me", {ann.Cookie()});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json()["id"], ann_);
  EXPECT_EQ(client_->Get("/v1/hotlines?organization_id=" + Str(org_a_), {ann.Cookie()}).status,
            200);

  const std::string path = "/v1/me/organizations/" + Str(org_a_);
  const std::string body = R"({"allowAdminAccess": true})";
  for (const std::vector<std::string>& headers :
       {std::vector<std::string>{ann.Cookie()},
        std::vector<std::string>{ann.Cookie(), "X-CSRF-Token: " + std::string(64, '0')},
        std::vector<std::string>{ann.Cookie(), "X-CSRF-Token: "}}) {
    const auto refused = ExpectProblem(client_->SendJson("PUT", path, headers, body), 403);
    EXPECT_EQ(refused["type"], "/problems/forbidden");
    EXPECT_NE(refused["detail"].get<std::string>().find("X-CSRF-Token"), std::string::npos);
  }
  // Another session's token does not do either.
  const Session other = SignedIn("ann@relief.example", kAnnPassword);
  ExpectProblem(client_->SendJson("PUT", path, {ann.Cookie(), other.Csrf()}, body), 403);
  EXPECT_FALSE(client_->Get("/v1/me", {Pat(ann_token_)}).Json()["memberships"][0]["allowAdminAccess"]);

  const auto written = client_->SendJson("PUT", path, {ann.Cookie(), ann.Csrf()}, body);
  ASSERT_EQ(written.status, 200) << written.body;
  EXPECT_EQ(written.Json()["allowAdminAccess"], true);

  // API tokens are unchanged: no CSRF token, also when a browser's cookie comes along.
  EXPECT_EQ(client_->SendJson("PUT", path, {Pat(ann_token_)}, R"({"allowAdminAccess": false})")
                .status,
            200);
  EXPECT_EQ(client_->SendJson("PUT", path, {Pat(max_token_), ann.Cookie()},
                              R"({"allowAdminAccess": true})")
                .Json()["allowAdminAccess"],
            true);
  // The session secret is for the cookie only.
  ExpectProblem(client_->Get("/v1/me", {Bearer(ann.secret)}), 401);
  ExpectProblem(client_->Get("/v1/me", {Pat(ann.secret)}), 401);
}

TEST_F(SignInHttpTest, WrongPasswordAndUnknownEmailAnswerAlikeInContentAndTime) {
  const auto strip = [](const HttpResult& result) {
    auto body = result.Json();
    body.erase("instance");
    body.erase("requestId");
    return body;
  };
  std::vector<milliseconds> wrong_times, unknown_times;
  HttpResult wrong, unknown;
  for (int i = 0; i < 3; ++i) {
    auto start = std::chrono::steady_clock::now();
    wrong = SignIn("ann@relief.example", "not the right password");
    wrong_times.push_back(std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start));
    start = std::chrono::steady_clock::now();
    unknown = SignIn("nobody" + std::to_string(i) + "@relief.example", "not the right password");
    unknown_times.push_back(std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start));
  }
  ExpectProblem(wrong, 401);
  ExpectProblem(unknown, 401);
  EXPECT_EQ(strip(wrong), strip(unknown));
  EXPECT_EQ(wrong.Header("www-authenticate"), unknown.Header("www-authenticate"));
  EXPECT_EQ(wrong.Header("set-cookie"), "");
  // Max has no password: the same answer again.
  EXPECT_EQ(strip(SignIn("max@relief.example", "not the right password")), strip(wrong));
  // An unknown address costs a password verification too (against a dummy hash): without it,
  // it would answer many times faster than a wrong password.
  const auto fastest = [](const std::vector<milliseconds>& times) {
    return *std::min_element(times.begin(), times.end());
  };
  EXPECT_GT(fastest(unknown_times) * 3, fastest(wrong_times))
      << fastest(unknown_times).count() << " ms vs " << fastest(wrong_times).count() << " ms";
}

TEST_F(SignInHttpTest, FailedSignInsAreThrottledPerAccountAndPerAddress) {
  for (int i = 0; i < 5; ++i) ExpectProblem(SignIn("ann@relief.example", "wrong password " + std::to_string(i)), 401);
  const auto throttled = ExpectProblem(SignIn("ANN@relief.example", kAnnPassword), 429);
  EXPECT_EQ(throttled["type"], "/problems/rate-limited");
  // Unknown addresses are throttled the same way, so 429 tells nothing about existence.
  for (int i = 0; i < 5; ++i) ExpectProblem(SignIn("ghost@relief.example", "wrong password"), 401);
  const auto ghost = SignIn("ghost@relief.example", "wrong password");
  ExpectProblem(ghost, 429);
  EXPECT_EQ(ghost.Header("retry-after"), "60");
  // 10 failures from this address so far; two more on fresh accounts reach its limit of 12.
  GiveLogin(max_, "max@relief.example", "a passphrase for max");
  ExpectProblem(SignIn("x1@relief.example", "wrong password"), 401);
  EXPECT_EQ(SignIn("max@relief.example", "a passphrase for max").status, 200);
  ExpectProblem(SignIn("x2@relief.example", "wrong password"), 401);
  ExpectProblem(SignIn("max@relief.example", "a passphrase for max"), 429);
}

// Without --trusted-proxy anyone could name any address in X-Forwarded-For: it is ignored, and
// every failure here counts against the connection's address (limit 12).
TEST_F(SignInHttpTest, XForwardedForIsIgnoredWithoutATrustedProxy) {
  for (int i = 0; i < 12; ++i) {
    const std::string n = std::to_string(i);
    ExpectProblem(SignIn("nobody" + n + "@relief.example", "wrong password",
                         {"X-Forwarded-For: 198.51.100." + n}),
                  401);
  }
  ExpectProblem(SignIn("nobody@relief.example", "wrong password", {"X-Forwarded-For: 198.51.100.99"}),
                429);
}

// Behind a reverse proxy (decision 0076): the proxy's X-Forwarded-For names the client, so
// the per-address limit (2 here) throttles the client, not the proxy that all clients share.
class TrustedProxyHttpTest : public SignInHttpTest {
 protected:
  std::vector<std::string> ExtraServerArgs() override {
    return {"--login-failures-per-account", "5", "--login-failures-per-address", "2",
            "--trusted-proxy", "10.9.9.0/24", "--trusted-proxy", "127.0.0.0/8"};
  }
  HttpResult Fail(const std::string& forwarded_for) {
    return SignIn("nobody" + std::to_string(++attempts_) + "@relief.example", "wrong password",
                  {"X-Forwarded-For: " + forwarded_for});
  }
  int attempts_ = 0;
};

TEST_F(TrustedProxyHttpTest, TheLastUntrustedHopIsTheClientForThrottlingAndTheAuditLog) {
  ExpectProblem(Fail("198.51.100.1"), 401);
  ExpectProblem(Fail("198.51.100.1"), 401);
  ExpectProblem(Fail("198.51.100.1"), 429);
  // Another client behind the same proxy is not throttled with the first.
  ExpectProblem(Fail("198.51.100.2"), 401);
  // A client cannot escape by naming another address first: nginx appends the one it saw.
  ExpectProblem(Fail("198.51.100.2, 198.51.100.1"), 429);
  // A chain of trusted proxies is walked past; the header's lines count as one list.
  ExpectProblem(Fail("198.51.100.1, 10.9.9.7"), 429);
  ExpectProblem(SignIn("nobody@relief.example", "wrong password",
                       {"X-Forwarded-For: 198.51.100.1", "X-Forwarded-For: 10.9.9.7"}),
                429);
  // A hop that is no address stops the walk at the proxy that wrote it (127.0.0.1).
  ExpectProblem(Fail("not-an-address"), 401);
  ExpectProblem(Fail("198.51.100.1, unknown"), 401);
  ExpectProblem(Fail("198.51.100.1, unknown"), 429);  // 127.0.0.1 has had its two

  // Audit entries name the client too.
  const auto read = client_->Get(
      "/v1/agent-phones?owner_id=" + Str(max_) + "&organization_id=" + Str(org_a_),
      {Pat(ann_token_), "X-Forwarded-For: 203.0.113.9"});
  ASSERT_EQ(read.status, 200) << read.body;
  const auto log = client_->Get("/v1/organizations/" + Str(org_a_) +
                                    "/audit-log?type=agent_phone.read",
                                {Pat(ann_token_)});
  ASSERT_EQ(log.status, 200) << log.body;
  ASSERT_EQ(log.Json()["totalEntries"], 1) << log.body;
  EXPECT_EQ(log.Json()["entries"][0]["sourceAddress"], "203.0.113.9");
}

TEST_F(SignInHttpTest, SignOutAndRevokedSessionsStopAtTheNextRequest) {
  const Session laptop = SignedIn("ann@relief.example", kAnnPassword);
  const Session phone = SignedIn("ann@relief.example", kAnnPassword);
  const auto listed = client_->Get("/v1/me/sessions", {laptop.Cookie()});
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto sessions = listed.Json()["sessions"];
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0]["id"], phone.id);
  EXPECT_EQ(sessions[0]["current"], false);
  EXPECT_EQ(sessions[1]["id"], laptop.id);
  EXPECT_EQ(sessions[1]["current"], true);
  // A personal token lists the same sessions, but token listings never show them.
  EXPECT_EQ(client_->Get("/v1/me/sessions", {Pat(ann_token_)}).Json()["sessions"].size(), 2u);
  EXPECT_EQ(server_.Admin({"token", "list", "--user", Str(ann_)})["tokens"].size(), 1u);
  ExpectProblem(client_->Get("/v1/me/sessions", {Api(org_a_token_)}), 403);

  // Max cannot end Ann's session.
  ExpectProblem(client_->Send("DELETE", "/v1/me/sessions/" + std::to_string(phone.id), {Pat(max_token_)}), 404);
  ExpectProblem(client_->Send("DELETE", "/v1/me/sessions/" + std::to_string(phone.id), {laptop.Cookie()}), 403);
  ASSERT_EQ(client_->Send("DELETE", "/v1/me/sessions/" + std::to_string(phone.id),
                          {laptop.Cookie(), laptop.Csrf()})
                .status,
            204);
  ExpectProblem(client_->Get("/v1/me", {phone.Cookie()}), 401);
  EXPECT_EQ(client_->Get("/v1/me", {laptop.Cookie()}).status, 200);

  ExpectProblem(client_->Send("DELETE", "/v1/session", {laptop.Cookie()}), 403);
  const auto signed_out = client_->Send("DELETE", "/v1/session", {laptop.Cookie(), laptop.Csrf()});
  ASSERT_EQ(signed_out.status, 204);
  EXPECT_EQ(signed_out.Header("set-cookie").rfind("fr_session=; Path=/; Max-Age=0; HttpOnly", 0), 0u)
      << signed_out.Header("set-cookie");
  ExpectProblem(client_->Get("/v1/me", {laptop.Cookie()}), 401);
  // A token is no session to sign out of.
  ExpectProblem(client_->Send("DELETE", "/v1/session", {Pat(ann_token_)}), 409);
}

TEST_F(SignInHttpTest, InvitesWorkOnceOnlyTheNewestAndNotAfterExpiry) {
  server_.Admin({"user", "set-login", "--user", Str(max_), "--email", "max@relief.example"});
  const std::string older = InviteSecret(max_);
  const std::string newer = InviteSecret(max_);
  const auto replaced = ExpectProblem(SetPassword(older, "a passphrase for max"), 400);
  EXPECT_EQ(ErrorFields(replaced), std::vector<std::string>{"invite"});
  const auto weak = ExpectProblem(SetPassword(newer, "password1234"), 400);
  EXPECT_EQ(ErrorFields(weak), std::vector<std::string>{"password"});
  ASSERT_EQ(SetPassword(newer, "a passphrase for max").status, 204);
  ExpectProblem(SetPassword(newer, "another passphrase"), 400);
  EXPECT_EQ(SignIn("max@relief.example", "a passphrase for max").status, 200);
  ExpectProblem(SignIn("max@relief.example", "another passphrase"), 401);
  ExpectProblem(SetPassword("frinv_" + std::string(43, 'A'), "another passphrase"), 400);

  // The admin command prints the link; a link a day old no longer works. (The age is written
  // into the database: the server has no test clock.)
  const auto printed = server_.Admin({"user", "invite", "--user", Str(bea_), "--public-url",
                                      "https://hotline.example/"});
  const std::string url = printed["url"];
  EXPECT_EQ(url.rfind("https://hotline.example/set-password#invite=frinv_", 0), 0u) << url;
  if (server_.database_url().starts_with("sqlite:")) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(server_.database_url().substr(7).c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE password_invites SET expires_at = expires_at - 86400001",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    const auto expired =
        ExpectProblem(SetPassword(url.substr(url.find("#invite=") + 8), "a passphrase for bea"), 400);
    EXPECT_EQ(ErrorFields(expired), std::vector<std::string>{"invite"});
  }
}

TEST_F(SignInHttpTest, AnOrganisationAdminInvitesOnlyNewcomers) {
  // Nia has just been added to A by the operator: no password, no token, no other organisation.
  const std::int64_t nia = server_.Admin({"user", "create", "--name", "Nia New"})["id"];
  server_.Admin({"member", "add", "--org", Str(org_a_), "--user", Str(nia), "--role", "member"});
  const auto invite_path = [this](std::int64_t organization, std::int64_t user) {
    return "/v1/organizations/" + Str(organization) + "/members/" + Str(user) + "/invite";
  };
  const std::string path = invite_path(org_a_, nia);
  const auto created =
      client_->SendJson("POST", path, {Pat(ann_token_)}, R"({"email": "Nia@Relief.example"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string url = created.Json()["url"];
  EXPECT_EQ(url.rfind(server_.base_url() + "/set-password#invite=frinv_", 0), 0u) << url;
  EXPECT_EQ(created.Json()["userID"], nia);
  // Her e-mail is set now: another admin request may not redirect it.
  ExpectProblem(client_->SendJson("POST", path, {Pat(ann_token_)}, R"({"email": "x@evil.example"})"),
                409);
  ASSERT_EQ(SetPassword(url.substr(url.find("#invite=") + 8), "a passphrase for nia").status, 204);
  EXPECT_EQ(SignIn("nia@relief.example", "a passphrase for nia").status, 200);
  // Now Nia has a password: only the operator can send her a new link.
  ExpectProblem(client_->Send("POST", path, {Pat(ann_token_)}), 409);

  // Max has no password but uses a personal token: his account is in use, not an admin's to
  // take over.
  const auto in_use = client_->SendJson("POST", invite_path(org_a_, max_), {Pat(ann_token_)},
                                        R"({"email": "max@evil.example"})");
  EXPECT_NE(ExpectProblem(in_use, 409).value("detail", "").find("token"), std::string::npos);
  // Ola belongs to A and B: an admin of A must not gain her place in B through her account.
  const std::int64_t ola = server_.Admin({"user", "create", "--name", "Ola Two"})["id"];
  server_.Admin({"member", "add", "--org", Str(org_a_), "--user", Str(ola), "--role", "member"});
  server_.Admin({"member", "add", "--org", Str(org_b_), "--user", Str(ola), "--role", "admin"});
  const auto elsewhere = client_->SendJson("POST", invite_path(org_a_, ola), {Pat(ann_token_)},
                                           R"({"email": "ola@evil.example"})");
  EXPECT_NE(ExpectProblem(elsewhere, 409).value("detail", "").find("other organisations"),
            std::string::npos);

  // Not an admin of A, or not a member of it.
  ExpectProblem(client_->Send("POST", invite_path(org_a_, ann_), {Pat(max_token_)}), 403);
  ExpectProblem(client_->Send("POST", invite_path(org_a_, bea_), {Pat(ann_token_)}), 404);
  // Another user's address is taken, in any letter case.
  const std::int64_t pia = server_.Admin({"user", "create", "--name", "Pia New"})["id"];
  server_.Admin({"member", "add", "--org", Str(org_b_), "--user", Str(pia), "--role", "member"});
  const auto taken = client_->SendJson("POST", invite_path(org_b_, pia), {Api(org_b_token_)},
                                       R"({"email": "NIA@relief.example"})");
  ExpectProblem(taken, 409);
}

// The database never holds a password, a session secret, an invite secret or a CSRF token.
TEST_F(SignInHttpTest, StorageHoldsOnlyHashes) {
  if (!server_.database_url().starts_with("sqlite:")) GTEST_SKIP() << "reads the SQLite file";
  const Session session = SignedIn("ann@relief.example", kAnnPassword);
  server_.Admin({"user", "set-login", "--user", Str(max_), "--email", "max@relief.example"});
  const std::string pending_invite = InviteSecret(max_);
  ASSERT_EQ(client_->Get("/v1/me", {session.Cookie()}).status, 200);
  server_.Stop();  // everything written, the write-ahead log folded into the file

  std::ifstream file(server_.database_url().substr(7), std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  const std::string content = bytes.str();
  ASSERT_GT(content.size(), 0u);
  for (const std::string& secret :
       {std::string(kAnnPassword), session.secret.substr(6), session.csrf,
        pending_invite.substr(6)}) {
    EXPECT_EQ(content.find(secret), std::string::npos) << "the database holds " << secret;
  }
  EXPECT_NE(content.find("$argon2id$v=19$"), std::string::npos);
}

// Sessions expire when idle and at their absolute lifetime, with durations of seconds here.
class SessionExpiryHttpTest : public SignInHttpTest {
 protected:
  std::vector<std::string> ExtraServerArgs() override {
    return {"--session-idle-timeout", "2s", "--session-lifetime", "4s"};
  }
};

TEST_F(SessionExpiryHttpTest, AnIdleSessionEnds) {
  const Session session = SignedIn("ann@relief.example", kAnnPassword);
  ASSERT_EQ(client_->Get("/v1/me", {session.Cookie()}).status, 200);
  std::this_thread::sleep_for(milliseconds(2300));
  ExpectProblem(client_->Get("/v1/me", {session.Cookie()}), 401);
}

TEST_F(SessionExpiryHttpTest, AUsedSessionEndsAtItsLifetime) {
  const auto started = std::chrono::steady_clock::now();
  const Session session = SignedIn("ann@relief.example", kAnnPassword);
  // Used every 0.7 s it never idles out, until 4 s after the sign-in.
  while (std::chrono::steady_clock::now() - started < milliseconds(3500)) {
    ASSERT_EQ(client_->Get("/v1/me", {session.Cookie()}).status, 200);
    std::this_thread::sleep_for(milliseconds(700));
  }
  std::this_thread::sleep_for(milliseconds(700));
  ExpectProblem(client_->Get("/v1/me", {session.Cookie()}), 401);
}

TEST(SignInOptions, BadValuesExitWithCode2) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--session-idle-timeout", "soon"},
        std::vector<std::string>{"--session-idle-timeout", "2h", "--session-lifetime", "1h"},
        std::vector<std::string>{"--public-url", "hotline.example"},
        std::vector<std::string>{"--login-failures-per-account", "-1"}}) {
    std::vector<std::string> argv = {BinaryPath(), "serve", "--database", "sqlite:/nonexistent/x.db",
                                     "--sip-listen", "off"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string output;
    EXPECT_EQ(RunProcess(argv, output), 2) << args[0];
  }
}

}  // namespace
}  // namespace fr::testing
