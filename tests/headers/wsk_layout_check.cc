/*
 * wsk_layout_check.cc - the WSK header set seen from C++17 (C++ drivers and the C++ provider).
 * Compile-only, like wsk_layout_check.c:
 *   g++ -std=c++17 -fshort-wchar -Wall -Wextra -Werror -fsyntax-only \
 *       -Icapi/include tests/headers/wsk_layout_check.cc
 */
#include <ntddk.h>
#include <wsk.h>

#include <cstddef>
#include <type_traits>

/* ---- Layout, as in the C check (a sample; the C file has the full list) ---- */
static_assert(sizeof(WSK_CLIENT_DISPATCH) == 16, "");
static_assert(sizeof(WSK_REGISTRATION) == 24, "");
static_assert(sizeof(WSK_PROVIDER_DISPATCH) == 56, "");
static_assert(offsetof(WSK_PROVIDER_DISPATCH, WskGetNameInfo) == 48, "");
static_assert(sizeof(WSK_BUF) == 24, "");
static_assert(sizeof(WSK_DATAGRAM_INDICATION) == 56, "");
static_assert(sizeof(SOCKADDR_IN6) == 28, "");
static_assert(sizeof(SOCKADDR_STORAGE) == 128, "");
static_assert(offsetof(WSK_PROVIDER_CONNECTION_DISPATCH, Basic) == 0, "");
static_assert(offsetof(WSK_PROVIDER_CONNECTION_DISPATCH, WskControlSocket) == 0, "");
static_assert(offsetof(WSK_PROVIDER_CONNECTION_DISPATCH, WskCloseSocket) == 8, "");
static_assert(offsetof(WSK_PROVIDER_CONNECTION_DISPATCH, WskBind) == 16, "");
static_assert(offsetof(WSK_PROVIDER_CONNECTION_DISPATCH, WskReceiveEx) == 96, "");
static_assert(sizeof(WSK_PROVIDER_CONNECTION_DISPATCH) == 104, "");
static_assert(offsetof(WSK_PROVIDER_STREAM_DISPATCH, WskReceiveEx) == 8 * 14, "");
static_assert(sizeof(WSK_PROVIDER_STREAM_DISPATCH) == 120, "");
static_assert(offsetof(WSK_PROVIDER_LISTEN_DISPATCH, WskGetLocalAddress) == 8 * 5, "");
static_assert(offsetof(WSK_PROVIDER_DATAGRAM_DISPATCH, WskSendMessages) == 8 * 7, "");

/* ---- Values that C++ code switches on or compares with ---- */
static_assert(AF_INET6 == 23, "");
static_assert(SOL_SOCKET == 0xFFFF, "");
static_assert(SO_EXCLUSIVEADDRUSE == static_cast<int>(0xFFFFFFFB), "");
static_assert(SIO_WSK_SET_REMOTE_ADDRESS == 0x8F000001u, "");
static_assert(SIO_WSK_SET_TCP_SILENT_MODE == 0x2F000007, "");
static_assert(MAKE_WSK_VERSION(1, 0) == 0x0100, "");
static_assert(std::is_same<decltype(MAKE_WSK_VERSION(1, 0)), USHORT>::value, "");
static_assert(STATUS_DATA_NOT_ACCEPTED == static_cast<NTSTATUS>(0xC000021B), "");
static_assert(std::is_same<decltype(STATUS_PENDING), NTSTATUS>::value, "");

/* ---- Every type is a plain aggregate: trivially copyable, standard layout, no constructors ---- */
template <typename T>
constexpr bool IsPlain()
{
    return std::is_aggregate<T>::value && std::is_trivial<T>::value && std::is_standard_layout<T>::value;
}
static_assert(IsPlain<WSK_SOCKET>(), "");
static_assert(IsPlain<WSK_CLIENT_DISPATCH>(), "");
static_assert(IsPlain<WSK_CLIENT_NPI>(), "");
static_assert(IsPlain<WSK_PROVIDER_NPI>(), "");
static_assert(IsPlain<WSK_REGISTRATION>(), "");
static_assert(IsPlain<WSK_PROVIDER_DISPATCH>(), "");
static_assert(IsPlain<WSK_PROVIDER_BASIC_DISPATCH>(), "");
static_assert(IsPlain<WSK_PROVIDER_LISTEN_DISPATCH>(), "");
static_assert(IsPlain<WSK_PROVIDER_DATAGRAM_DISPATCH>(), "");
static_assert(IsPlain<WSK_PROVIDER_CONNECTION_DISPATCH>(), "");
static_assert(IsPlain<WSK_PROVIDER_STREAM_DISPATCH>(), "");
static_assert(IsPlain<WSK_CLIENT_LISTEN_DISPATCH>(), "");
static_assert(IsPlain<WSK_CLIENT_DATAGRAM_DISPATCH>(), "");
static_assert(IsPlain<WSK_CLIENT_CONNECTION_DISPATCH>(), "");
static_assert(IsPlain<WSK_CLIENT_STREAM_DISPATCH>(), "");
static_assert(IsPlain<WSK_BUF>(), "");
static_assert(IsPlain<WSK_DATA_INDICATION>(), "");
static_assert(IsPlain<WSK_DATAGRAM_INDICATION>(), "");
static_assert(IsPlain<WSK_EVENT_CALLBACK_CONTROL>(), "");
static_assert(IsPlain<WSK_INSPECT_ID>(), "");
static_assert(IsPlain<SOCKADDR_IN6>(), "");
static_assert(IsPlain<SOCKADDR_INET>(), "");
static_assert(IsPlain<NPI_MODULEID>(), "");
static_assert(IsPlain<NPI_CLIENT_CHARACTERISTICS>(), "");

/* ---- Pointer typedefs ---- */
static_assert(std::is_same<PWSK_CLIENT, void *>::value, "");
static_assert(std::is_same<PNPIID, const GUID *>::value, "");
static_assert(std::is_same<decltype(&NPI_WSK_INTERFACE_ID), PNPIID>::value, "");
static_assert(std::is_same<decltype(&WskRegister), NTSTATUS (*)(PWSK_CLIENT_NPI, PWSK_REGISTRATION)>::value, "");

/* ---- Callbacks written the way C++ drivers write them ---- */
static NTSTATUS WSKAPI ReceiveEvent(PVOID SocketContext, ULONG Flags, PWSK_DATA_INDICATION DataIndication,
                                    SIZE_T BytesIndicated, SIZE_T *BytesAccepted)
{
    UNREFERENCED_PARAMETER(SocketContext);
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(DataIndication);
    *BytesAccepted = BytesIndicated;
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI DisconnectEvent(PVOID SocketContext, ULONG Flags)
{
    UNREFERENCED_PARAMETER(SocketContext);
    UNREFERENCED_PARAMETER(Flags);
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI SendBacklogEvent(PVOID SocketContext, SIZE_T IdealBacklogSize)
{
    UNREFERENCED_PARAMETER(SocketContext);
    UNREFERENCED_PARAMETER(IdealBacklogSize);
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI ControlSocket(PWSK_SOCKET Socket, WSK_CONTROL_SOCKET_TYPE RequestType, ULONG ControlCode,
                                     ULONG Level, SIZE_T InputSize, PVOID InputBuffer, SIZE_T OutputSize,
                                     PVOID OutputBuffer, SIZE_T *OutputSizeReturned, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Socket);
    UNREFERENCED_PARAMETER(RequestType);
    UNREFERENCED_PARAMETER(ControlCode);
    UNREFERENCED_PARAMETER(Level);
    UNREFERENCED_PARAMETER(InputSize);
    UNREFERENCED_PARAMETER(InputBuffer);
    UNREFERENCED_PARAMETER(OutputSize);
    UNREFERENCED_PARAMETER(OutputBuffer);
    UNREFERENCED_PARAMETER(OutputSizeReturned);
    UNREFERENCED_PARAMETER(Irp);
    return STATUS_NOT_SUPPORTED;
}

static NTSTATUS WSKAPI CloseSocket(PWSK_SOCKET Socket, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Socket);
    UNREFERENCED_PARAMETER(Irp);
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI Bind(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, ULONG Flags, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Socket);
    UNREFERENCED_PARAMETER(LocalAddress);
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(Irp);
    return STATUS_SUCCESS;
}

/* ---- Client tables: §0.2 brace forms ---- */
const WSK_CLIENT_CONNECTION_DISPATCH ConnectionDispatch{ReceiveEvent, DisconnectEvent, SendBacklogEvent};
const WSK_CLIENT_CONNECTION_DISPATCH ConnectionDispatchAssign = {ReceiveEvent, nullptr, nullptr};

/* The provider side: positional with the extra braces around the basic pair, usable as a constant. */
constexpr WSK_PROVIDER_CONNECTION_DISPATCH ProviderConnection = {
    {{ControlSocket, CloseSocket}}, Bind, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
    nullptr, nullptr};
constexpr WSK_PROVIDER_BASIC_DISPATCH ProviderBasic{ControlSocket, CloseSocket};
constexpr WSK_PROVIDER_LISTEN_DISPATCH ProviderListen{{ProviderBasic}, Bind, nullptr, nullptr, nullptr};

NTSTATUS LayoutCheckUseCxx(PWSK_SOCKET Socket, PIRP Irp);

NTSTATUS LayoutCheckUseCxx(PWSK_SOCKET Socket, PIRP Irp)
{
    /* usbip-win2 style. A partial brace list leaves the rest zero, as in C; GCC's -Wextra still
     * warns about it in C++ (-Wmissing-field-initializers), so it is silenced for this one line. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
    WSK_CLIENT_DISPATCH clientDispatch{MAKE_WSK_VERSION(1, 0)};
#pragma GCC diagnostic pop
    WSK_CLIENT_NPI clientNpi{nullptr, &clientDispatch};
    WSK_EVENT_CALLBACK_CONTROL r{&NPI_WSK_INTERFACE_ID, WSK_EVENT_RECEIVE};
    WSK_REGISTRATION registration{};
    WSK_PROVIDER_NPI npi{};
    PFN_WSK_RECEIVE_EVENT receive = &ReceiveEvent;
    ULONG protocol = IPPROTO_TCP;
    ULONG level = IPPROTO_IPV6;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(receive);
    status = WskRegister(&clientNpi, &registration);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    if (WskCaptureProviderNPI(&registration, WSK_NO_WAIT, &npi) == STATUS_SUCCESS) {
        status = npi.Dispatch->WskSocket(npi.Client, AF_INET, SOCK_STREAM, protocol, WSK_FLAG_CONNECTION_SOCKET,
                                         nullptr, &ConnectionDispatch, nullptr, nullptr, nullptr, Irp);
        status = npi.Dispatch->WskSocket(npi.Client, AF_INET6, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET,
                                         nullptr, &ConnectionDispatchAssign, nullptr, nullptr, nullptr, Irp);
        WskReleaseProviderNPI(&registration);
    }

    auto d = static_cast<const WSK_PROVIDER_CONNECTION_DISPATCH *>(Socket->Dispatch);
    status = d->Basic.WskControlSocket(Socket, WskSetOption, SO_WSK_EVENT_CALLBACK, SOL_SOCKET, sizeof(r), &r, 0,
                                       nullptr, nullptr, nullptr);
    status = d->WskControlSocket(Socket, WskSetOption, IPV6_V6ONLY, level, 0, nullptr, 0, nullptr, nullptr, Irp);
    status = d->Basic.WskCloseSocket(Socket, Irp);
    status = d->WskCloseSocket(Socket, Irp);
    status = ProviderConnection.WskCloseSocket(Socket, Irp);
    status = ProviderListen.Basic.WskCloseSocket(Socket, Irp);

    switch (protocol) {
    case IPPROTO_TCP:
    case IPPROTO_UDP:
        break;
    default:
        break;
    }
    WskDeregister(&registration);
    return status;
}
