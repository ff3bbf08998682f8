/*
 * latency-recorder.h - callback and IRP latency instrumentation (issue 6).
 *
 * LatencyRecorder: a process-wide list of records, one per indication (receive/accept/disconnect event)
 * or IRP (receive, send, connect, accept, ...), each with the node, the socket, a kind, a byte count and
 * up to five timestamps in simulated nanoseconds (-1 where a stamp does not apply):
 *
 *   wire       the data (or SYN/FIN) reached the node: ns-3 handed it to the provider's socket callback
 *   delivery   the transport delivered it to the WSK layer (wire + interrupt-to-DPC latency when the host
 *              latency model is on; equal to wire otherwise)
 *   cbEntry    the client's event callback was entered      (indications only)
 *   cbReturn   the client's event callback returned         (indications only)
 *   irpDone    the IRP was completed (IoCompleteRequest)    (IRPs only)
 *
 * Recording is off by default and costs one branch per call site when off. Records are kept in the order
 * they were opened, which is deterministic for a given seed, so CSV/JSON written from them are identical
 * between runs with equal seeds.
 *
 * LatencyModel: the host latency model. Three sources of delay, each an independent distribution (off,
 * constant, uniform, exponential, lognormal given by median and p99) drawn from its own ns-3 RNG stream:
 *   InterruptToDpc    wire arrival -> transport delivery (NIC interrupt, ISR, DPC, TCP/IP receive path)
 *   CallbackDispatch  transport delivery -> entry of a WSK event callback
 *   ThreadWakeup      completion of an IRP (or any KEVENT signal) -> the waiting thread runs again
 * Optionally, per-node CPU contention: dispatch work of one node is serialised (a callback cannot start
 * before the previous one on that node finished plus its dispatch delay).
 * When the model is off, Enabled() is false and Sample() returns zero: callers must then take their
 * ordinary inline path and schedule nothing.
 *
 * No capi/ header is needed here; the file can be included from any provider or host source (ns-3 headers
 * first, as everywhere).
 */
#ifndef WSKNS3_LATENCY_RECORDER_H
#define WSKNS3_LATENCY_RECORDER_H

#include "ns3/nstime.h"
#include "ns3/ptr.h"

#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace ns3 {

class RandomVariableStream;

namespace wsk {

/* ------------------------------------------------------------------------------------------------------ */
/* Recorder                                                                                               */
/* ------------------------------------------------------------------------------------------------------ */

/* Well-known kinds (any other static string may be used too). */
namespace LatencyKind {
constexpr const char* kReceiveEvent = "receive_event";
constexpr const char* kReceiveIrp = "receive_irp";
constexpr const char* kAcceptEvent = "accept_event";
constexpr const char* kAcceptIrp = "accept_irp";
constexpr const char* kDisconnectEvent = "disconnect_event";
constexpr const char* kSendIrp = "send_irp";
constexpr const char* kConnectIrp = "connect_irp";
constexpr const char* kDisconnectIrp = "disconnect_irp";
constexpr const char* kInspectEvent = "inspect_event";
constexpr const char* kReceiveFromEvent = "receive_from_event";
constexpr const char* kReceiveFromIrp = "receive_from_irp";
constexpr const char* kSendToIrp = "send_to_irp";
constexpr const char* kSendMessagesIrp = "send_messages_irp";
} // namespace LatencyKind

enum class LatencyStamp : uint8_t {
    Wire = 0,
    Delivery = 1,
    CallbackEntry = 2,
    CallbackReturn = 3,
    IrpComplete = 4,
};
constexpr size_t kLatencyStampCount = 5;

struct LatencyRecord
{
    uint32_t node = 0;       //!< ns-3 Node::GetId()
    uint64_t socket = 0;     //!< a stable id of the socket (e.g. its PWSK_SOCKET as an integer, or a counter)
    uint16_t kind = 0;       //!< index into LatencyRecorder::Kinds()
    uint64_t bytes = 0;
    std::array<int64_t, kLatencyStampCount> t{{-1, -1, -1, -1, -1}}; //!< ns; -1 = not applicable

    int64_t Get(LatencyStamp s) const { return t[static_cast<size_t>(s)]; }
    /* The latency a reader cares about: wire -> callback entry for indications, wire (or, for IRPs
     * without a wire stamp such as sends, the first stamp) -> IRP completion for IRPs; -1 if incomplete. */
    int64_t LatencyNs() const;
};

class LatencyRecorder
{
  public:
    using Handle = uint64_t; //!< 0: nothing recorded (recorder off)

    static void Enable(bool on = true);
    static bool Enabled();
    /* Drops every record (kinds stay interned). */
    static void Clear();

    /* Starts a record and returns its handle (0 when the recorder is off). `kind` must outlive the process
     * (a string literal or one of LatencyKind::*); it is interned by content. `socket` is any stable id. */
    static Handle Open(uint32_t node, uint64_t socket, const char* kind, uint64_t bytes = 0);
    /* Sets a stamp of an open record (no-op for handle 0). The default time is Simulator::Now(). */
    static void Mark(Handle h, LatencyStamp which);
    static void Mark(Handle h, LatencyStamp which, Time at);
    static void SetBytes(Handle h, uint64_t bytes);

    /* One-shot form: a complete record (stamps in ns, -1 = n/a). No-op when off. */
    static void Add(uint32_t node,
                    uint64_t socket,
                    const char* kind,
                    uint64_t bytes,
                    int64_t wireNs,
                    int64_t deliveryNs,
                    int64_t cbEntryNs,
                    int64_t cbReturnNs,
                    int64_t irpDoneNs);

    static const std::vector<LatencyRecord>& Records();
    static const std::vector<std::string>& Kinds();
    static const std::string& KindName(uint16_t kind);

    /* CSV with a header line: node,socket,kind,bytes,wire_ns,delivery_ns,cb_entry_ns,cb_return_ns,
     * irp_done_ns,latency_ns. `group` (optional) maps a node id to a group name, adding a "group" column. */
    static void WriteCsv(std::ostream& os, const std::vector<std::string>* groupOfNode = nullptr);
};

/* ------------------------------------------------------------------------------------------------------ */
/* Host latency model                                                                                     */
/* ------------------------------------------------------------------------------------------------------ */

enum class LatencySource : uint8_t {
    InterruptToDpc = 0,
    CallbackDispatch = 1,
    ThreadWakeup = 2,
};
constexpr size_t kLatencySourceCount = 3;

struct LatencyDistribution
{
    enum Type : uint8_t { Off, Constant, Uniform, Exponential, LogNormal };
    Type type = Off;
    double a = 0; //!< ns: Constant value, Uniform min, Exponential mean, LogNormal median
    double b = 0; //!< ns: Uniform max, LogNormal p99; Exponential optional cap (0 = none)

    /* Parses "off", "constant:2.7us", "uniform:1us,5us", "exponential:10us" (mean),
     * "exponential:10us,1ms" (mean, cap), "lognormal:2.7us,100us" (median, p99). Also accepts the
     * named form "lognormal:median=2.7us,p99=100us", "uniform:min=1us,max=5us", "exponential:mean=10us".
     * Times use ns-3 units (ns, us, ms, s). On error returns false and sets *why. */
    static bool Parse(const std::string& text, LatencyDistribution* out, std::string* why);
    std::string ToString() const;
};

class LatencyModel
{
  public:
    static const char* SourceName(LatencySource s);                 //!< "interrupt_to_dpc", ...
    static bool SourceFromName(const std::string& name, LatencySource* out);

    /* Configures one source. The RNG stream is created here, from ns-3's global seed and run number
     * (RngSeedManager) at this moment and stream number kStreamBase + source: configure after SetSeed. */
    static void Configure(LatencySource which, const LatencyDistribution& d);
    static bool Configure(LatencySource which, const std::string& text, std::string* why);
    /* Named presets: "off", "typical" (see doc/latency.md). */
    static bool ApplyPreset(const std::string& name, std::string* why);
    /* Serialise dispatch work per node (optional CPU contention). */
    static void SetCpuContention(bool on);
    static bool CpuContention();
    /* Back to all-off; forgets per-node CPU state. */
    static void Reset();

    /* true when any source is configured (not Off) or CPU contention is on. */
    static bool Enabled();
    static bool Enabled(LatencySource which);
    /* A draw from the source's distribution; Time(0) when that source is off (no RNG draw then). */
    static Time Sample(LatencySource which);
    /* With CPU contention: the delay before dispatch work of `node` may start at `now` given that it needs
     * `dispatch` of latency, and marks the CPU busy until then. Without contention: returns `dispatch`. */
    static Time Contend(uint32_t node, Time dispatch);
    static const LatencyDistribution& Get(LatencySource which);
    /* "interrupt_to_dpc=lognormal:2.7us,100us; callback_dispatch=off; ..." */
    static std::string Describe();

    static constexpr int64_t kStreamBase = 1000000;
};

} // namespace wsk
} // namespace ns3

#endif /* WSKNS3_LATENCY_RECORDER_H */
