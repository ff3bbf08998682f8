/* wsk-client.cc - WSK_PROVIDER_DISPATCH: WskSocket, WskSocketConnect, WskControlClient (wsk-api.md §2). */
#include "wsk-provider.h"

#include <cstring>

namespace ns3 {
namespace wsk {

NTSTATUS ConnectionSocketConnect(WskSocketObj* s, PSOCKADDR local, PSOCKADDR remote, PIRP irp);

WskClientObj*
ClientFrom(PWSK_CLIENT client, const char* call)
{
    auto* c = static_cast<WskClientObj*>(client);
    if (c == nullptr) {
        Finding(nullptr, call, STATUS_INVALID_HANDLE, "Client is NULL (the IRP is not completed)");
        return nullptr;
    }
    if (c->magic != kClientMagic) {
        KrtReport(2, call, "Client %p is not a captured WSK client (the IRP is not completed)", client);
        return nullptr;
    }
    if (c->captures == 0) {
        KrtReport(2, call, "called after WskReleaseProviderNPI released the last capture");
    }
    return c;
}

static bool
ValidCombination(SocketKind kind, USHORT type, ULONG protocol)
{
    switch (kind) {
    case SocketKind::Listen: /* a UDP listening socket is created too; its WskBind is not implemented */
        return (type == SOCK_STREAM && (protocol == IPPROTO_TCP || protocol == 0)) ||
               (type == SOCK_DGRAM && (protocol == IPPROTO_UDP || protocol == 0));
    case SocketKind::Connection:
    case SocketKind::Stream:
        return type == SOCK_STREAM && (protocol == IPPROTO_TCP || protocol == 0);
    case SocketKind::Datagram:
        return (type == SOCK_DGRAM && (protocol == IPPROTO_UDP || protocol == 0)) || type == SOCK_RAW;
    case SocketKind::Basic:
        return (type == SOCK_STREAM && (protocol == IPPROTO_TCP || protocol == 0)) ||
               (type == SOCK_DGRAM && (protocol == IPPROTO_UDP || protocol == 0)) || type == SOCK_RAW;
    }
    return false;
}

static NTSTATUS WSKAPI
WskSocketImpl(PWSK_CLIENT Client, ADDRESS_FAMILY AddressFamily, USHORT SocketType, ULONG Protocol, ULONG Flags,
              PVOID SocketContext, CONST VOID* Dispatch, PEPROCESS OwningProcess, PETHREAD OwningThread,
              PSECURITY_DESCRIPTOR SecurityDescriptor, PIRP Irp)
{
    (void)OwningProcess;
    (void)OwningThread;
    (void)SecurityDescriptor;
    if (Irp == nullptr) {
        Finding(nullptr, "WskSocket", STATUS_INVALID_PARAMETER, "an IRP is required");
        return STATUS_INVALID_PARAMETER;
    }
    WskClientObj* c = ClientFrom(Client, "WskSocket");
    if (c == nullptr) {
        return STATUS_INVALID_HANDLE; /* returned, the IRP untouched (doc/fidelity.md, "IRP completion") */
    }
    if (!IrpAccept(c->inst, Irp, "WskSocket", nullptr)) {
        return STATUS_INVALID_PARAMETER;
    }
    SocketKind kind;
    switch (Flags) {
    case WSK_FLAG_BASIC_SOCKET:
        kind = SocketKind::Basic;
        break;
    case WSK_FLAG_LISTEN_SOCKET:
        kind = SocketKind::Listen;
        break;
    case WSK_FLAG_CONNECTION_SOCKET:
        kind = SocketKind::Connection;
        break;
    case WSK_FLAG_DATAGRAM_SOCKET:
        kind = SocketKind::Datagram;
        break;
    case WSK_FLAG_STREAM_SOCKET:
        kind = SocketKind::Stream;
        break;
    default:
        Finding(nullptr, "WskSocket", STATUS_INVALID_PARAMETER, "Flags 0x%x must be exactly one WSK_FLAG_*_SOCKET category", Flags);
        return IrpRefuse(c->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (AddressFamily != AF_INET && AddressFamily != AF_INET6) {
        KrtReport(1, "WskSocket", "address family %u is not supported (AF_INET 2, AF_INET6 23)", AddressFamily);
        return IrpRefuse(c->inst, Irp, STATUS_NOT_SUPPORTED);
    }
    if (!ValidCombination(kind, SocketType, Protocol)) {
        Finding(nullptr, "WskSocket", STATUS_INVALID_PARAMETER, "socket type %u with protocol %u is not valid for this category", SocketType,
                  Protocol);
        return IrpRefuse(c->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    if (SocketType == SOCK_RAW) {
        KrtReport(1, "WskSocket", "SOCK_RAW sockets are not implemented"); /* a limit of ours, not misuse */
        return IrpRefuse(c->inst, Irp, STATUS_NOT_IMPLEMENTED);
    }
    if (kind == SocketKind::Basic && Dispatch != nullptr) {
        KrtReport(1, "WskSocket", "basic sockets have no client dispatch table; Dispatch is ignored");
    }
    WskSocketObj* s = NewSocket(c, kind, AddressFamily, SocketType, Protocol, SocketContext, Dispatch);
    return IrpFinish(c->inst, Irp, STATUS_SUCCESS, (ULONG_PTR)s->Handle());
}

static NTSTATUS WSKAPI
WskSocketConnectImpl(PWSK_CLIENT Client, USHORT SocketType, ULONG Protocol, PSOCKADDR LocalAddress,
                     PSOCKADDR RemoteAddress, ULONG Flags, PVOID SocketContext,
                     CONST WSK_CLIENT_CONNECTION_DISPATCH* Dispatch, PEPROCESS OwningProcess, PETHREAD OwningThread,
                     PSECURITY_DESCRIPTOR SecurityDescriptor, PIRP Irp)
{
    (void)OwningProcess;
    (void)OwningThread;
    (void)SecurityDescriptor;
    if (Irp == nullptr) {
        Finding(nullptr, "WskSocketConnect", STATUS_INVALID_PARAMETER, "an IRP is required");
        return STATUS_INVALID_PARAMETER;
    }
    WskClientObj* c = ClientFrom(Client, "WskSocketConnect");
    if (c == nullptr) {
        return STATUS_INVALID_HANDLE; /* returned, the IRP untouched (doc/fidelity.md, "IRP completion") */
    }
    if (!IrpAccept(c->inst, Irp, "WskSocketConnect", nullptr)) {
        return STATUS_INVALID_PARAMETER;
    }
    if (LocalAddress == nullptr || RemoteAddress == nullptr || Flags != 0 ||
        !ValidCombination(SocketKind::Connection, SocketType, Protocol) ||
        (LocalAddress->sa_family != AF_INET && LocalAddress->sa_family != AF_INET6)) {
        Finding(nullptr, "WskSocketConnect", STATUS_INVALID_PARAMETER, "LocalAddress and RemoteAddress are required, Flags must be 0, and the "
                  "type/protocol must be SOCK_STREAM/IPPROTO_TCP");
        return IrpRefuse(c->inst, Irp, STATUS_INVALID_PARAMETER);
    }
    WskSocketObj* s = NewSocket(c, SocketKind::Connection, LocalAddress->sa_family, SocketType, Protocol,
                                SocketContext, Dispatch);
    return ConnectionSocketConnect(s, LocalAddress, RemoteAddress, Irp);
}

static NTSTATUS WSKAPI
WskControlClientImpl(PWSK_CLIENT Client, ULONG ControlCode, SIZE_T InputSize, PVOID InputBuffer, SIZE_T OutputSize,
                     PVOID OutputBuffer, SIZE_T* OutputSizeReturned, PIRP Irp)
{
    WskClientObj* c = ClientFrom(Client, "WskControlClient");
    if (c == nullptr) {
        return STATUS_INVALID_HANDLE;
    }
    const char* call = "WskControlClient";
    switch (ControlCode) {
    case WSK_SET_STATIC_EVENT_CALLBACKS: {
        if (Irp != nullptr) {
            Finding(nullptr, call, STATUS_INVALID_PARAMETER, "WSK_SET_STATIC_EVENT_CALLBACKS takes no IRP");
            return STATUS_INVALID_PARAMETER;
        }
        if (InputBuffer == nullptr || InputSize < sizeof(WSK_EVENT_CALLBACK_CONTROL)) {
            Finding(nullptr, call, STATUS_INVALID_PARAMETER, "WSK_SET_STATIC_EVENT_CALLBACKS needs a WSK_EVENT_CALLBACK_CONTROL input");
            return STATUS_INVALID_PARAMETER;
        }
        auto* ctl = static_cast<const WSK_EVENT_CALLBACK_CONTROL*>(InputBuffer);
        if (ctl->NpiId == nullptr || std::memcmp(ctl->NpiId, &NPI_WSK_INTERFACE_ID, sizeof(NPIID)) != 0) {
            return STATUS_NOT_SUPPORTED;
        }
        if (c->anySocketCreated) {
            Finding(nullptr, call, STATUS_INVALID_DEVICE_STATE, "WSK_SET_STATIC_EVENT_CALLBACKS must come before the client's first socket");
            return STATUS_INVALID_DEVICE_STATE;
        }
        ULONG valid = WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT | WSK_EVENT_SEND_BACKLOG |
                      WSK_EVENT_RECEIVE_FROM;
        if (ctl->EventMask == 0 || (ctl->EventMask & ~valid) != 0) {
            Finding(nullptr, call, STATUS_INVALID_PARAMETER, "static event mask 0x%08x is not a combination of WSK_EVENT_* bits", ctl->EventMask);
            return STATUS_INVALID_PARAMETER;
        }
        c->staticEvents |= ctl->EventMask;
        return STATUS_SUCCESS;
    }
    case WSK_TRANSPORT_LIST_QUERY: {
        if (Irp != nullptr || OutputSizeReturned == nullptr) {
            Finding(nullptr, call, STATUS_INVALID_PARAMETER, "WSK_TRANSPORT_LIST_QUERY takes no IRP and needs OutputSizeReturned");
            return STATUS_INVALID_PARAMETER;
        }
        static const GUID kProvider = {0x1e2e7c59, 0x9a5e, 0x4a3d, {0x8b, 0x5f, 0x77, 0x53, 0x4b, 0x2d, 0x6e, 0x33}};
        const WSK_TRANSPORT list[4] = {
            {MAKE_WSK_VERSION(1, 0), SOCK_STREAM, IPPROTO_TCP, AF_INET, kProvider},
            {MAKE_WSK_VERSION(1, 0), SOCK_STREAM, IPPROTO_TCP, AF_INET6, kProvider},
            {MAKE_WSK_VERSION(1, 0), SOCK_DGRAM, IPPROTO_UDP, AF_INET, kProvider},
            {MAKE_WSK_VERSION(1, 0), SOCK_DGRAM, IPPROTO_UDP, AF_INET6, kProvider},
        };
        *OutputSizeReturned = sizeof list;
        if (OutputBuffer == nullptr || OutputSize < sizeof list) {
            return STATUS_BUFFER_OVERFLOW;
        }
        std::memcpy(OutputBuffer, list, sizeof list);
        return STATUS_SUCCESS;
    }
    case WSK_TRANSPORT_LIST_CHANGE:
        if (Irp == nullptr) {
            Finding(nullptr, call, STATUS_INVALID_PARAMETER, "WSK_TRANSPORT_LIST_CHANGE needs an IRP");
            return STATUS_INVALID_PARAMETER;
        }
        if (!IrpAccept(c->inst, Irp, call, nullptr)) {
            return STATUS_INVALID_PARAMETER;
        }
        /* transports never change in a simulation: the IRP waits until WskDeregister cancels it */
        IoMarkIrpPending(Irp);
        KrtIrpMarkOwned(Irp, "WskControlClient(WSK_TRANSPORT_LIST_CHANGE)");
        c->transportChangeIrps.push_back(Irp);
        return STATUS_PENDING;
    case WSK_CACHE_SD:
        if (Irp != nullptr || InputBuffer == nullptr || OutputBuffer == nullptr || OutputSize < sizeof(PVOID)) {
            return STATUS_INVALID_PARAMETER;
        }
        *static_cast<PSECURITY_DESCRIPTOR*>(OutputBuffer) = *static_cast<PSECURITY_DESCRIPTOR*>(InputBuffer);
        return STATUS_SUCCESS;
    case WSK_RELEASE_SD:
        return Irp != nullptr ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
    case WSK_TDI_DEVICENAME_MAPPING:
    case WSK_TDI_BEHAVIOR:
        if (Irp != nullptr) {
            return STATUS_INVALID_PARAMETER;
        }
        if (c->anySocketCreated) {
            Finding(nullptr, call, STATUS_INVALID_DEVICE_STATE, "WSK_TDI_* control codes must come before the client's first socket");
            return STATUS_INVALID_DEVICE_STATE;
        }
        return STATUS_SUCCESS; /* there is no TDI in the simulation: accepted, no effect */
    default:
        KrtReport(1, call, "unknown control code %u", ControlCode);
        return STATUS_INVALID_PARAMETER;
    }
}

/* Name resolution is in wsk-names.cc. */
NTSTATUS WSKAPI WskGetAddressInfoImpl(PWSK_CLIENT Client, PUNICODE_STRING NodeName, PUNICODE_STRING ServiceName,
                                      ULONG NameSpace, GUID* Provider, PADDRINFOEXW Hints, PADDRINFOEXW* Result,
                                      PEPROCESS OwningProcess, PETHREAD OwningThread, PIRP Irp);
VOID WSKAPI WskFreeAddressInfoImpl(PWSK_CLIENT Client, PADDRINFOEXW AddrInfo);
NTSTATUS WSKAPI WskGetNameInfoImpl(PWSK_CLIENT Client, PSOCKADDR SockAddr, ULONG SockAddrLength,
                                   PUNICODE_STRING NodeName, PUNICODE_STRING ServiceName, ULONG Flags,
                                   PEPROCESS OwningProcess, PETHREAD OwningThread, PIRP Irp);

extern const WSK_PROVIDER_DISPATCH g_providerDispatch;
const WSK_PROVIDER_DISPATCH g_providerDispatch = {
    MAKE_WSK_VERSION(1, 0), 0, WskSocketImpl, WskSocketConnectImpl, WskControlClientImpl,
    WskGetAddressInfoImpl, WskFreeAddressInfoImpl, WskGetNameInfoImpl,
};

} // namespace wsk
} // namespace ns3
