/*
 * instance-host.h - what the kernel host needs from the owner of a driver instance (the driver
 * application): where log lines go and how big thread stacks are.
 */
#ifndef WSKNS3_INSTANCE_HOST_H
#define WSKNS3_INSTANCE_HOST_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

struct KRT_INSTANCE;

namespace ns3 {
namespace wsk {

class InstanceHost
{
  public:
    virtual ~InstanceHost()
    {
        for (size_t i = deferredHead; i < deferred.size(); i++) {
            deferred[i].drop(deferred[i].arg); /* the simulation ended before this work could run */
        }
    }
    /* severity: 0 DbgPrint output, 1 warning, 2 driver error (misuse). `line` has no time prefix. */
    virtual void OnLog(int severity, const std::string& line) = 0;
    /* A finding (misuse Windows answers with `status`): logged like a warning unless the owner counts it. */
    virtual void OnFinding(const char* call, int32_t status, const std::string& line)
    {
        (void)call;
        (void)status;
        OnLog(1, line);
    }
    virtual size_t ThreadStackBytes() const = 0;
    virtual std::string Describe() const = 0; /* "node 3, driver echosrv (path)" */

    /* KhDefer's queue for this instance: work due at the current simulated time (kernel-host.cc). */
    struct Deferred
    {
        void (*fn)(void*);
        void (*drop)(void*);
        void* arg;
    };
    std::vector<Deferred> deferred;
    size_t deferredHead = 0;
};

/* Formats "[   1.234567890 s] node 3 echosrv: " for a log line. */
std::string LogPrefix(const KRT_INSTANCE* inst);

/* Global switches for echoing driver logs to the terminal (default: errors and warnings only). */
void SetEchoDriverOutput(bool echo);
bool EchoDriverOutput();

} // namespace wsk
} // namespace ns3

#endif /* WSKNS3_INSTANCE_HOST_H */
