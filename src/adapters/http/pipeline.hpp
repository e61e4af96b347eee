#pragma once

#include <string>

#include "adapters/http/http_types.hpp"
#include "adapters/http/router.hpp"
#include "app/authentication_service.hpp"

namespace fr::http {

// Everything a request goes through after RESTinio hands it over and before the response is
// written: routing (404/405), body limits, authentication, the handler, and the last-resort
// catch. Runs on a worker thread; thread-safe.
class Pipeline {
 public:
  Pipeline(const Router& router, AuthenticationService& authentication, std::size_t max_body_bytes)
      : router_(router), authentication_(authentication), max_body_bytes_(max_body_bytes) {}

  struct Outcome {
    Response response;
    std::string route;  // the matched template, or "unmatched" (bounded metric labels)
  };

  Outcome Handle(const Request& request) const;

 private:
  const Router& router_;
  AuthenticationService& authentication_;
  std::size_t max_body_bytes_;
};

// The credential a request carries, from `Authorization: Bearer`, `Personal-Access-Token` or
// `API-TOKEN` (in that order); nullopt when it carries none.
std::optional<Credential> CredentialOf(const Request& request);

}  // namespace fr::http
