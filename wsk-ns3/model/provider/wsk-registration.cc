/* wsk-registration.cc - WskRegister, WskCaptureProviderNPI, WskReleaseProviderNPI,
 * WskQueryProviderCharacteristics, WskDeregister (wsk-api.md §1). */
#include "wsk-provider.h"

#include "ns3/node-list.h"
#include "ns3/tcp-l4-protocol.h"

#include <set>

namespace ns3 {
namespace wsk {

extern const WSK_PROVIDER_DISPATCH g_providerDispatch;

Ptr<Node>
NodeOf(const KRT_INSTANCE* inst)
{
    if (inst == nullptr || KrtInstanceNodeId(inst) >= NodeList::GetNNodes()) {
        return nullptr;
    }
    return NodeList::GetNode(KrtInstanceNodeId(inst));
}

static WskClientObj*
ClientFromRegistration(PWSK_REGISTRATION reg, const char* call)
{
    if (reg == nullptr) {
        KrtReport(2, call, "WskRegistration is NULL");
        return nullptr;
    }
    auto* c = static_cast<WskClientObj*>(reg->ReservedRegistrationContext);
    if (c == nullptr || c->magic != kClientMagic) {
        KrtReport(2, call, "registration %p was not initialised by WskRegister (or was deregistered)", (void*)reg);
        return nullptr;
    }
    return c;
}

static bool
ProviderReady(const KRT_INSTANCE* inst)
{
    Ptr<Node> node = NodeOf(inst);
    return node && node->GetObject<TcpL4Protocol>();
}

void
ClientsOfInstanceGone(NodeState& node, KRT_INSTANCE* inst)
{
    auto& all = node.clients;
    for (auto it = all.begin(); it != all.end();) {
        if ((*it)->inst == inst) {
            (*it)->magic = 0;
            delete *it;
            it = all.erase(it);
        } else {
            ++it;
        }
    }
}

void
ClientSocketClosed(WskClientObj* c)
{
    if (--c->sockets == 0 && c->captures == 0) {
        KeSetEvent(&c->idle, 0, FALSE);
    }
}

} // namespace wsk
} // namespace ns3

using namespace ns3::wsk;

extern "C" NTSTATUS
WskRegister(PWSK_CLIENT_NPI WskClientNpi, PWSK_REGISTRATION WskRegistration)
{
    if (WskClientNpi == nullptr || WskClientNpi->Dispatch == nullptr || WskRegistration == nullptr) {
        Finding(nullptr, "WskRegister", STATUS_INVALID_PARAMETER, "WskClientNpi, its Dispatch and WskRegistration are required");
        return STATUS_INVALID_PARAMETER;
    }
    if (KrtCurrentInstance() == nullptr) {
        return STATUS_INVALID_PARAMETER;
    }
    if (KeGetCurrentIrql() != PASSIVE_LEVEL) {
        KrtReport(2, "WskRegister", "called at IRQL %u (must be PASSIVE_LEVEL)", KeGetCurrentIrql());
    }
    auto* old = static_cast<WskClientObj*>(WskRegistration->ReservedRegistrationContext);
    if (old != nullptr && old->magic == kClientMagic && !old->deregistering) {
        Finding(nullptr, "WskRegister", STATUS_INVALID_PARAMETER, "registration %p is already registered (one WskRegister per block)",
                  (void*)WskRegistration);
        return STATUS_INVALID_PARAMETER;
    }
    auto* c = new WskClientObj();
    c->magic = kClientMagic;
    c->inst = KrtCurrentInstance();
    c->npi = *WskClientNpi;
    c->registration = WskRegistration;
    KeInitializeEvent(&c->idle, NotificationEvent, TRUE);
    WskRegistration->ReservedRegistrationState = 1;
    WskRegistration->ReservedRegistrationContext = c;
    StateOf(c->inst).clients.insert(c);
    WskRegistration->ReservedRegistrationLock = 0;
    return STATUS_SUCCESS;
}

extern "C" NTSTATUS
WskCaptureProviderNPI(PWSK_REGISTRATION WskRegistration, ULONG WaitTimeout, PWSK_PROVIDER_NPI WskProviderNpi)
{
    WskClientObj* c = ClientFromRegistration(WskRegistration, "WskCaptureProviderNPI");
    if (c == nullptr) {
        return STATUS_DEVICE_NOT_READY;
    }
    if (WskProviderNpi == nullptr) {
        Finding(nullptr, "WskCaptureProviderNPI", STATUS_INVALID_PARAMETER, "WskProviderNpi is NULL");
        return STATUS_INVALID_PARAMETER;
    }
    if (WaitTimeout != WSK_NO_WAIT && KeGetCurrentIrql() != PASSIVE_LEVEL) {
        KrtReport(2, "WskCaptureProviderNPI", "waiting capture at IRQL %u (must be PASSIVE_LEVEL unless "
                  "WSK_NO_WAIT)", KeGetCurrentIrql());
    }
    if (c->deregistering) {
        return STATUS_DEVICE_NOT_READY;
    }
    if (WSK_MAJOR_VERSION(c->npi.Dispatch->Version) != 1) {
        return STATUS_NOINTERFACE;
    }
    if (!ProviderReady(c->inst)) {
        if (WaitTimeout != WSK_NO_WAIT && KrtCurrentThread() != nullptr && WaitTimeout != WSK_INFINITE_WAIT) {
            LARGE_INTEGER d;
            d.QuadPart = -(LONGLONG)WaitTimeout * 10000;
            KeDelayExecutionThread(KernelMode, FALSE, &d);
        }
        if (!ProviderReady(c->inst)) {
            KrtReport(WaitTimeout == WSK_INFINITE_WAIT ? 2 : 1, "WskCaptureProviderNPI",
                      "node %u has no TCP/IP stack (install ns-3's InternetStackHelper): the WSK subsystem never "
                      "becomes ready", KrtInstanceNodeId(c->inst));
            return STATUS_DEVICE_NOT_READY;
        }
    }
    c->captures++;
    KeClearEvent(&c->idle);
    WskProviderNpi->Client = c;
    WskProviderNpi->Dispatch = &g_providerDispatch;
    return STATUS_SUCCESS;
}

extern "C" VOID
WskReleaseProviderNPI(PWSK_REGISTRATION WskRegistration)
{
    WskClientObj* c = ClientFromRegistration(WskRegistration, "WskReleaseProviderNPI");
    if (c == nullptr) {
        return;
    }
    if (c->captures == 0) {
        KrtReport(2, "WskReleaseProviderNPI", "no capture to release (each successful capture needs exactly one "
                  "release)");
        return;
    }
    if (--c->captures == 0 && c->sockets == 0) {
        KeSetEvent(&c->idle, 0, FALSE);
    }
}

extern "C" NTSTATUS
WskQueryProviderCharacteristics(PWSK_REGISTRATION WskRegistration,
                                PWSK_PROVIDER_CHARACTERISTICS WskProviderCharacteristics)
{
    WskClientObj* c = ClientFromRegistration(WskRegistration, "WskQueryProviderCharacteristics");
    if (c == nullptr || c->deregistering) {
        return STATUS_DEVICE_NOT_READY;
    }
    if (WskProviderCharacteristics == nullptr) {
        return STATUS_INVALID_PARAMETER;
    }
    WskProviderCharacteristics->HighestVersion = MAKE_WSK_VERSION(1, 0);
    WskProviderCharacteristics->LowestVersion = MAKE_WSK_VERSION(1, 0);
    return STATUS_SUCCESS;
}

extern "C" VOID
WskDeregister(PWSK_REGISTRATION WskRegistration)
{
    WskClientObj* c = ClientFromRegistration(WskRegistration, "WskDeregister");
    if (c == nullptr) {
        return;
    }
    c->deregistering = true;
    for (PIRP irp : c->transportChangeIrps) {
        IrpCompleteLater(c->inst, irp, STATUS_CANCELLED, 0);
    }
    c->transportChangeIrps.clear();
    if (c->captures > 0 || c->sockets > 0) {
        if (KrtCurrentThread() == nullptr || KeGetCurrentIrql() != PASSIVE_LEVEL) {
            KrtReport(2, "WskDeregister", "%d capture(s) and %d socket(s) still open and the caller cannot wait "
                      "(must be called at PASSIVE_LEVEL from a thread)", c->captures, c->sockets);
            return;
        }
        /* blocks until every capture is released and every socket closed (wsk-api.md §1.3) */
        KeWaitForSingleObject(&c->idle, Executive, KernelMode, FALSE, nullptr);
    }
    c->magic = 0;
    WskRegistration->ReservedRegistrationContext = nullptr;
    WskRegistration->ReservedRegistrationState = 0;
    StateOf(c->inst).clients.erase(c);
    delete c;
}
