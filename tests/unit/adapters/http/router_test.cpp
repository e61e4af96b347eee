#include "adapters/http/router.hpp"

#include <gtest/gtest.h>

namespace fr::http {
namespace {

Router MakeRouter() {
  Router router;
  const Handler nothing = [](const RequestContext&) { return Response{}; };
  router.Add({"GET", "/v1/hotlines", AuthPolicy::kTokenRequired, nothing});
  router.Add({"POST", "/v1/hotlines", AuthPolicy::kTokenRequired, nothing});
  router.Add({"GET", "/v1/hotlines/{hotlineID}", AuthPolicy::kTokenRequired, nothing});
  router.Add({"PUT", "/v1/hotlines/{hotlineID}", AuthPolicy::kTokenRequired, nothing});
  router.Add({"GET", "/v1/hotlines/{hotlineID}/call-logs/{logID}", AuthPolicy::kTokenRequired,
              nothing});
  return router;
}

TEST(Router, MatchesLiteralAndParameterSegments) {
  const Router router = MakeRouter();
  const auto match = router.Match("GET", "/v1/hotlines/42/call-logs/7");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->path_template, "/v1/hotlines/{hotlineID}/call-logs/{logID}");
  EXPECT_EQ(match.params.at("hotlineID"), "42");
  EXPECT_EQ(match.params.at("logID"), "7");
}

TEST(Router, ParametersAreRawForTheHandlerToValidate) {
  const auto match = MakeRouter().Match("GET", "/v1/hotlines/abc");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.params.at("hotlineID"), "abc");
}

TEST(Router, KnownPathWithOtherMethodListsAllowedMethods) {
  const auto match = MakeRouter().Match("DELETE", "/v1/hotlines");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"GET", "HEAD", "POST"}));
}

TEST(Router, HeadRunsTheGetRoute) {
  Router router = MakeRouter();
  const auto match = router.Match("HEAD", "/v1/hotlines/42");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->method, "GET");
  EXPECT_EQ(match.params.at("hotlineID"), "42");
  router.Add({"POST", "/v1/only-post", AuthPolicy::kTokenRequired, nullptr});
  const auto refused = router.Match("HEAD", "/v1/only-post");
  ASSERT_EQ(refused.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(refused.allowed_methods, std::vector<std::string>{"POST"});
}

TEST(Router, UnknownPathsAreNotFound) {
  const Router router = MakeRouter();
  for (const char* path : {"/", "", "/v1", "/v1/hotlines/", "/v1/hotlines/1/2", "v1/hotlines",
                           "/v1/hotlines//call-logs/1", "/V1/hotlines"}) {
    EXPECT_EQ(router.Match("GET", path).kind, RouteMatch::Kind::kNotFound) << path;
  }
}

}  // namespace
}  // namespace fr::http
