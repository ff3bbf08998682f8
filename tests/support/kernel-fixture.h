/* kernel-fixture.h - runs test code as a simulated kernel thread of a throw-away driver instance. */
#ifndef WSKNS3_TEST_KERNEL_FIXTURE_H
#define WSKNS3_TEST_KERNEL_FIXTURE_H

#include "instance-host.h"

#include "ns3/simulator.h"

#include <functional>
#include <string>
#include <vector>

extern "C" {
#include "krt_internal.h"
}

namespace wsktest {

class TestHost : public ns3::wsk::InstanceHost
{
  public:
    void OnLog(int severity, const std::string& line) override;
    size_t ThreadStackBytes() const override { return 256 * 1024; }
    std::string Describe() const override { return "test instance"; }
    std::vector<std::string> lines;
    std::vector<std::string> errors;   // severity 2
    std::vector<std::string> warnings; // severity 1
    bool Logged(const std::string& needle) const;
    bool ErrorContains(const std::string& needle) const;
};

/* Creates an instance on node `nodeId` (no ns-3 Node needed), runs `body` on a kernel thread at
 * simulated time `at`, runs the simulator to completion, and destroys it. */
class KernelRun
{
  public:
    explicit KernelRun(uint32_t nodeId = 0);
    ~KernelRun();
    void Thread(std::function<void()> body, double atSeconds = 0.0);
    void Dispatch(std::function<void()> body, double atSeconds = 0.0); // at DISPATCH_LEVEL on the host stack
    void Run(double stopSeconds = -1);
    TestHost host;
    KRT_INSTANCE* inst;

  private:
    std::vector<std::function<void()>*> m_bodies;
};

} // namespace wsktest

#endif
