// The 404/403 rule of every organisation-scoped route (decision 0004), in one table: whoever is
// not a member of the organisation learns nothing about it or its objects (404, even for
// objects that exist), a member without the role the route needs is told so (403).
#include "integration/world.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;

class OrganizationAccessHttpTest : public WorldTest {
 protected:
  std::vector<std::string> ExtraServerArgs() override {
    return {"--webhook-allow-http", "127.0.0.1", "--webhook-allow-private"};
  }

  void SetUp() override {
    WorldTest::SetUp();
    PrepareOrgAForHotlines();
    const auto hotline = client_->SendJson("POST", "/v1/hotlines", {Pat(ann_token_)},
                                           HotlineDraft().dump());
    ASSERT_EQ(hotline.status, 201) << hotline.body;
    hotline_ = hotline.Json()["id"];
    const auto webhook =
        client_->SendJson("POST", Org("/webhooks"), {Api(org_a_token_)}, WebhookDraft().dump());
    ASSERT_EQ(webhook.status, 201) << webhook.body;
    webhook_ = webhook.Json()["id"];
    const auto blocked = client_->SendJson("POST", Org("/blocked-callers"), {Pat(ann_token_)},
                                           json{{"number", "+49 241 12345"}}.dump());
    ASSERT_EQ(blocked.status, 201) << blocked.body;
    blocked_ = blocked.Json()["id"];
  }

  json HotlineDraft() const {
    return {{"agents", {ann_, max_}}, {"isActive", true}, {"name", "Notruf"},
            {"organizationID", org_a_}};
  }
  static json WebhookDraft() {
    return {{"url", "http://127.0.0.1:9/hook"}, {"eventTypes", {"call.started"}}};
  }
  std::string Org(const std::string& rest) const {
    return "/v1/organizations/" + Str(org_a_) + rest;
  }
  std::string Hotline(const std::string& rest) const {
    return "/v1/hotlines/" + Str(hotline_) + rest;
  }

  std::int64_t hotline_ = 0, webhook_ = 0, blocked_ = 0;
};

// Who a member of organisation A is to the route: may use it, or is refused (403).
enum class Member { kAllowed, kForbidden };

struct Route {
  std::string method;
  std::string path;
  std::string body;  // JSON, valid for the route, so that only the authorisation decides
  Member member;
};

TEST_F(OrganizationAccessHttpTest, OutsidersGet404AndMembersWithoutTheRole403OnEveryRoute) {
  const std::string webhook = Org("/webhooks/" + Str(webhook_));
  const std::string voicemail = Hotline("/voicemails/1");
  const std::string erase = json{{"number", "+49 241 99887766"}}.dump();
  const std::vector<Route> routes = {
      {"GET", Org(""), "", Member::kAllowed},
      {"PATCH", Org(""), json{{"callRetentionDays", 30}}.dump(), Member::kForbidden},
      {"GET", Org("/events"), "", Member::kForbidden},
      {"GET", Org("/webhooks"), "", Member::kForbidden},
      {"POST", Org("/webhooks"), WebhookDraft().dump(), Member::kForbidden},
      {"GET", webhook, "", Member::kForbidden},
      {"PUT", webhook, WebhookDraft().dump(), Member::kForbidden},
      {"DELETE", webhook, "", Member::kForbidden},
      {"POST", webhook + "/rotate-secret", "", Member::kForbidden},
      {"GET", webhook + "/deliveries", "", Member::kForbidden},
      {"POST", webhook + "/deliveries/1/redeliver", "", Member::kForbidden},
      {"POST", Org("/members/" + Str(ann_) + "/invite"), "", Member::kForbidden},
      {"GET", Org("/blocked-callers"), "", Member::kForbidden},
      {"POST", Org("/blocked-callers"), json{{"number", "+49 241 777"}}.dump(),
       Member::kForbidden},
      {"DELETE", Org("/blocked-callers/" + Str(blocked_)), "", Member::kForbidden},
      {"GET", Org("/audit-log"), "", Member::kForbidden},
      {"GET", Org("/export"), "", Member::kForbidden},
      {"POST", Org("/privacy/erase-caller"), erase, Member::kForbidden},
      {"GET", Hotline(""), "", Member::kAllowed},
      {"PUT", Hotline(""), HotlineDraft().dump(), Member::kForbidden},
      {"DELETE", Hotline(""), "", Member::kForbidden},
      {"GET", Hotline("/calls"), "", Member::kAllowed},
      {"GET", Hotline("/call-logs"), "", Member::kForbidden},
      {"GET", Hotline("/call-logs/1"), "", Member::kForbidden},
      {"GET", Hotline("/telephone-records"), "", Member::kForbidden},
      {"GET", Hotline("/reports/calls?from=2026-01-01&to=2026-01-02"), "", Member::kForbidden},
      {"GET", Hotline("/reports/calls.csv?from=2026-01-01&to=2026-01-02"), "",
       Member::kForbidden},
      {"GET", Hotline("/voicemails"), "", Member::kForbidden},
      {"GET", voicemail, "", Member::kForbidden},
      {"PUT", voicemail, json{{"listened", true}}.dump(), Member::kForbidden},
      {"DELETE", voicemail, "", Member::kForbidden},
      {"GET", voicemail + "/audio", "", Member::kForbidden},
  };
  const auto send = [this](const Route& route, const std::string& header) {
    return route.body.empty() ? client_->Send(route.method, route.path, {header})
                              : client_->SendJson(route.method, route.path, {header}, route.body);
  };
  for (const Route& route : routes) {
    SCOPED_TRACE(route.method + " " + route.path);
    // Bea is admin of B, B's token is B's: both outsiders of A.
    for (const std::string& outsider : {Pat(bea_token_), Api(org_b_token_)}) {
      SCOPED_TRACE(outsider.substr(0, outsider.find(':')));
      ExpectProblem(send(route, outsider), 404);
    }
    const HttpResult as_member = send(route, Pat(max_token_));
    if (route.member == Member::kForbidden) {
      ExpectProblem(as_member, 403);
    } else {
      EXPECT_EQ(as_member.status / 100, 2) << as_member.body;
    }
  }
}

}  // namespace
}  // namespace fr::testing
