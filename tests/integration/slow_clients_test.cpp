// Slow clients (issue #18 §4): slowhttptest (a tool we did not write) holds hundreds of
// connections open, sending headers or a body a few bytes at a time, while a normal client keeps
// using the API; every one of the normal client's requests must succeed, and quickly.
#include <chrono>
#include <thread>

#include "integration/world.hpp"

namespace fr::testing {
namespace {

using namespace std::chrono_literals;

class SlowClientsTest : public WorldTest {
 protected:
  // Runs slowhttptest with `mode` ("-H" slow headers, "-B" slow body) against `path` for
  // `seconds`, while this thread sends GET /v1/me every 100 ms; returns how many of those failed
  // or took longer than a second, and counts them in `sent`.
  int NormalRequestsFailingDuring(const std::string& mode, const std::string& path, int seconds,
                                  int& sent) {
    const std::vector<std::string> argv = {FR_SLOWHTTPTEST,
                                           mode,
                                           "-c",
                                           "800",
                                           "-r",
                                           "400",
                                           "-i",
                                           "1",
                                           "-l",
                                           std::to_string(seconds),
                                           "-s",
                                           "8192",
                                           "-x",
                                           "16",
                                           "-p",
                                           "3",
                                           "-u",
                                           server_.base_url() + path};
    ChildProcess attack(argv, server_.dir(), "slowhttptest" + mode);
    // Until the attack holds its connections open.
    std::this_thread::sleep_for(2s);
    HttpClient client(server_.base_url());
    int failed = 0;
    sent = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds - 3);
    while (std::chrono::steady_clock::now() < end) {
      const auto start = std::chrono::steady_clock::now();
      const auto answer = client.Get("/v1/me", {Pat(max_token_)});
      ++sent;
      if (answer.status != 200 || std::chrono::steady_clock::now() - start > 1s) {
        ++failed;
        ADD_FAILURE() << mode << ": status " << answer.status << " " << answer.body;
      }
      std::this_thread::sleep_for(100ms);
    }
    attack.Wait();
    EXPECT_NE(attack.Stdout().find("slow HTTP test status on"), std::string::npos)
        << attack.Stdout() << attack.Stderr();
    return failed;
  }
};

TEST_F(SlowClientsTest, SlowHeadersDoNotStarveANormalClient) {
  int sent = 0;
  EXPECT_EQ(NormalRequestsFailingDuring("-H", "/v1/me", 8, sent), 0);
  EXPECT_GT(sent, 20);
}

TEST_F(SlowClientsTest, ASlowBodyDoesNotStarveANormalClient) {
  int sent = 0;
  EXPECT_EQ(NormalRequestsFailingDuring("-B", "/v1/hotlines", 8, sent), 0);
  EXPECT_GT(sent, 20);
}

}  // namespace
}  // namespace fr::testing
