#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <variant>
#include <vector>

#include "adapters/telephony/sip/sdp.hpp"
#include "adapters/telephony/sip/sip_endpoint.hpp"
#include "support/sipp_process.hpp"

namespace fr::sip::testing {

using fr::testing::FreeUdpPort;
using fr::testing::SendUdp;
using fr::testing::SippProcess;

// A scenario of this suite's scenarios/ folder.
inline std::string Scenario(const std::string& name) {
  return std::string(FR_SIPP_SCENARIOS) + "/" + name;
}

// Collects the endpoint's events (delivered on the SIP thread) for the test thread.
class EventLog {
 public:
  void Push(SipEvent event) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(event));
    cv_.notify_all();
  }

  // The first event of type T matching `match`, waiting up to `timeout` for it.
  template <typename T>
  std::optional<T> WaitFor(std::function<bool(const T&)> match = nullptr,
                           std::chrono::seconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mu_);
    std::optional<T> found;
    cv_.wait_for(lock, timeout, [&] {
      for (const SipEvent& event : events_) {
        const T* typed = std::get_if<T>(&event);
        if (typed != nullptr && (!match || match(*typed))) {
          found = *typed;
          return true;
        }
      }
      return false;
    });
    return found;
  }

  std::optional<LegEnded> WaitEnded(LegId leg,
                                    std::chrono::seconds timeout = std::chrono::seconds(40)) {
    return WaitFor<LegEnded>([leg](const LegEnded& e) { return e.leg == leg; }, timeout);
  }

  template <typename T>
  int Count(LegId leg) {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const SipEvent& event : events_) {
      const T* typed = std::get_if<T>(&event);
      if (typed != nullptr && typed->leg == leg) ++n;
    }
    return n;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<SipEvent> events_;
};

class SipEndpointTest : public ::testing::Test {
 protected:
  void StartEndpoint(std::uint16_t trunk_port = 9) {
    SipConfig config;
    config.listen_host = "127.0.0.1";
    config.listen_port = 0;
    config.trunk_host = "127.0.0.1";
    config.trunk_port = trunk_port;
    endpoint_ =
        std::make_unique<SipEndpoint>(config, [this](SipEvent e) { events_.Push(std::move(e)); });
    auto port = endpoint_->Start();
    ASSERT_TRUE(port.ok()) << port.error().detail;
    ASSERT_NE(*port, 0);
    port_ = *port;
  }

  void TearDown() override {
    if (endpoint_) endpoint_->Stop();
  }

  std::string Target() const { return "127.0.0.1:" + std::to_string(port_); }

  static std::string OurSdp() { return BuildAudioSdp("127.0.0.1", 40000, kPayloadPcmu, 101, 42); }

  static OutgoingCall AgentCall(std::string to_user = "+4930200001") {
    return {std::move(to_user), "+4924155660001", "Krisenhotline Nord", OurSdp()};
  }

  EventLog events_;
  std::unique_ptr<SipEndpoint> endpoint_;
  std::uint16_t port_ = 0;
};

}  // namespace fr::sip::testing
