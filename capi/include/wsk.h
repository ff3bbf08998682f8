/*
 * wsk.h - Winsock Kernel (WSK): the client-facing interface of the WSK provider.
 *
 * Names, numeric values, signatures and field order follow the WDK exactly, because unmodified
 * driver source initialises these tables positionally as well as with designators, and calls
 * through them. Every member the newest WDK guards with NTDDI_VERSION (Win7 name resolution,
 * Win8 WskSendMessages, Win10 stream sockets, ConnectEx/SendEx/ReceiveEx) is always present: a
 * client never needs to care about trailing slots it does not use.
 *
 * All types are plain C aggregates with x64 Windows layout (tests/headers/wsk_layout_check.c checks it).
 */
#ifndef WSKNS3_WSK_H
#define WSKNS3_WSK_H

#include <wdm.h>
#include <netioddk.h>
#include <ws2def.h>
#include <ws2ipdef.h>
#include <mstcpip.h>

/* Calling convention of every WSK function and callback (nothing on x64). */
#define WSKAPI NTAPI

/* =====================================================================================
 * Identifiers, versions, constants
 * ===================================================================================== */

/* {2227E803-8D8B-11D4-ABAD-009027719E09}. Defined by the runtime; some drivers define their own
 * copy instead of importing it, so the provider compares NPIIDs by value. */
EXTERN_C_START
extern CONST NPIID NPI_WSK_INTERFACE_ID;
EXTERN_C_END

/* NPI version: major in the high byte. Every known client asks for 1.0. */
#define MAKE_WSK_VERSION(Mj, Mn) ((USHORT)(((USHORT)((Mj) << 8)) | (USHORT)((Mn) & 0xff)))
#define WSK_MAJOR_VERSION(V) ((UCHAR)((V) >> 8))
#define WSK_MINOR_VERSION(V) ((UCHAR)(V))

/* WskCaptureProviderNPI WaitTimeout, in milliseconds. */
#define WSK_NO_WAIT 0
#define WSK_INFINITE_WAIT 0xffffffff

/* WskSocket Flags: the socket category, which fixes the dispatch tables on both sides. */
#define WSK_FLAG_BASIC_SOCKET 0x00000000
#define WSK_FLAG_LISTEN_SOCKET 0x00000001
#define WSK_FLAG_CONNECTION_SOCKET 0x00000002
#define WSK_FLAG_DATAGRAM_SOCKET 0x00000004
#define WSK_FLAG_STREAM_SOCKET 0x00000008

/* Per-call and per-callback flags. Values overlap between contexts on purpose. */
#define WSK_FLAG_AT_DISPATCH_LEVEL 0x00000008 /* any callback: running at DISPATCH_LEVEL */
#define WSK_FLAG_RELEASE_ASAP 0x00000002      /* WskReceiveEvent: provider short of buffers */
#define WSK_FLAG_ENTIRE_MESSAGE 0x00000004    /* WskReceiveEvent: ends a message (TCP: PSH) */
#define WSK_FLAG_ABORTIVE 0x00000001          /* WskDisconnect in, WskDisconnectEvent out */
#define WSK_FLAG_OOB 0x00000001               /* WskSend */
#define WSK_FLAG_NODELAY 0x00000002           /* WskSend: push now */
#define WSK_FLAG_WAITALL 0x00000002           /* WskReceive: fill the whole buffer */
#define WSK_FLAG_DRAIN 0x00000004             /* WskReceive: discard until disconnect */

/* WSK_EVENT_CALLBACK_CONTROL.EventMask bits. Enable several at once; disable one per call,
 * OR'd with WSK_EVENT_DISABLE. Inspect/abort callbacks have no bit (SO_CONDITIONAL_ACCEPT). */
#define WSK_EVENT_SEND_BACKLOG 0x00000010
#define WSK_EVENT_RECEIVE 0x00000040
#define WSK_EVENT_DISCONNECT 0x00000080
#define WSK_EVENT_RECEIVE_FROM 0x00000100
#define WSK_EVENT_ACCEPT 0x00000200
#define WSK_EVENT_DISABLE 0x80000000

/* WskControlClient ControlCode. */
#define WSK_TRANSPORT_LIST_QUERY 2
#define WSK_TRANSPORT_LIST_CHANGE 3
#define WSK_CACHE_SD 4
#define WSK_RELEASE_SD 5
#define WSK_TDI_DEVICENAME_MAPPING 6
#define WSK_SET_STATIC_EVENT_CALLBACKS 7
#define WSK_TDI_BEHAVIOR 8
#define WSK_TDI_BEHAVIOR_BYPASS_TDI 0x00000001

/* WSK socket options (level SOL_SOCKET). */
#define SO_WSK_SECURITY (WSK_SO_BASE + 1)
#define SO_WSK_EVENT_CALLBACK (WSK_SO_BASE + 2)

/* WSK socket IOCTLs (WskControlSocket with WskIoctl; Level is ignored). */
#define SIO_WSK_SET_REMOTE_ADDRESS _WSAIOW(IOC_WSK, 1)
#define SIO_WSK_REGISTER_EXTENSION _WSAIORW(IOC_WSK, 2)
#define SIO_WSK_QUERY_IDEAL_SEND_BACKLOG _WSAIOR(IOC_WSK, 3)
#define SIO_WSK_QUERY_RECEIVE_BACKLOG _WSAIOR(IOC_WSK, 4)
#define SIO_WSK_QUERY_INSPECT_ID _WSAIOR(IOC_WSK, 5)
#define SIO_WSK_SET_SENDTO_ADDRESS _WSAIOW(IOC_WSK, 6)
#define SIO_WSK_SET_TCP_SILENT_MODE _WSAIO(IOC_WSK, 7)
#define SIO_WSK_SET_RECEIVE_EX_CALLBACK _WSAIOW(IOC_WSK, 8)

/* =====================================================================================
 * Objects and data structures
 * ===================================================================================== */

/* The client object is opaque: only the pointer type exists. */
typedef PVOID PWSK_CLIENT;

/* The provider allocates this (at the start of its own socket object) and frees it when
 * WskCloseSocket completes. Dispatch points to the table for the socket's category. */
typedef struct _WSK_SOCKET {
    CONST VOID *Dispatch;
} WSK_SOCKET, *PWSK_SOCKET;

/* Defined below; callbacks and provider functions that create sockets refer to it first. */
typedef struct _WSK_CLIENT_CONNECTION_DISPATCH WSK_CLIENT_CONNECTION_DISPATCH, *PWSK_CLIENT_CONNECTION_DISPATCH;

/* Data described by an MDL chain: Length bytes starting Offset bytes into the first MDL.
 * Mdl may be NULL when Length is 0. */
typedef struct _WSK_BUF {
    PMDL Mdl;
    ULONG Offset;
    SIZE_T Length;
} WSK_BUF, *PWSK_BUF;

/* One datagram per element (WskSendMessages). */
typedef struct _WSK_BUF_LIST {
    struct _WSK_BUF_LIST *Next;
    WSK_BUF Buffer;
} WSK_BUF_LIST, *PWSK_BUF_LIST;

/* Provider-owned received data (WskReceiveEvent), returned with WskRelease if retained. */
typedef struct _WSK_DATA_INDICATION {
    struct _WSK_DATA_INDICATION *Next;
    WSK_BUF Buffer;
} WSK_DATA_INDICATION, *PWSK_DATA_INDICATION;

/* Provider-owned received datagram (WskReceiveFromEvent); each element releasable on its own. */
typedef struct _WSK_DATAGRAM_INDICATION {
    struct _WSK_DATAGRAM_INDICATION *Next;
    WSK_BUF Buffer;
    PCMSGHDR ControlInfo; /* NULL when there is no control data */
    ULONG ControlInfoLength;
    PSOCKADDR RemoteAddress; /* sender, family-specific sockaddr */
} WSK_DATAGRAM_INDICATION, *PWSK_DATAGRAM_INDICATION;

/* Input of SO_WSK_EVENT_CALLBACK and WSK_SET_STATIC_EVENT_CALLBACKS. */
typedef struct _WSK_EVENT_CALLBACK_CONTROL {
    PNPIID NpiId; /* &NPI_WSK_INTERFACE_ID for the standard events */
    ULONG EventMask;
} WSK_EVENT_CALLBACK_CONTROL, *PWSK_EVENT_CALLBACK_CONTROL;

/* SIO_WSK_REGISTER_EXTENSION input / output. */
typedef struct _WSK_EXTENSION_CONTROL_IN {
    PNPIID NpiId;
    PVOID ClientContext;
    CONST VOID *ClientDispatch;
} WSK_EXTENSION_CONTROL_IN, *PWSK_EXTENSION_CONTROL_IN;

typedef struct _WSK_EXTENSION_CONTROL_OUT {
    PVOID ProviderContext;
    CONST VOID *ProviderDispatch;
} WSK_EXTENSION_CONTROL_OUT, *PWSK_EXTENSION_CONTROL_OUT;

/* Names a pending connection request on a conditional-accept listener. Clients compare the
 * contents, never the address; the values mean nothing to them. */
typedef struct _WSK_INSPECT_ID {
    ULONG_PTR Key;
    ULONG SerialNumber;
} WSK_INSPECT_ID, *PWSK_INSPECT_ID;

typedef enum {
    WskSetOption,
    WskGetOption,
    WskIoctl,
    WskControlMax
} WSK_CONTROL_SOCKET_TYPE, *PWSK_CONTROL_SOCKET_TYPE;

/* WskInspectEvent result / WskInspectComplete action. */
typedef enum {
    WskInspectReject,
    WskInspectAccept,
    WskInspectPend,
    WskInspectMax
} WSK_INSPECT_ACTION, *PWSK_INSPECT_ACTION;

/* One element of the WSK_TRANSPORT_LIST_QUERY output array. AF_UNSPEC = both families. */
typedef struct _WSK_TRANSPORT {
    USHORT Version;
    USHORT SocketType;
    ULONG Protocol;
    ADDRESS_FAMILY AddressFamily;
    GUID ProviderId;
} WSK_TRANSPORT, *PWSK_TRANSPORT;

/* WSK_TDI_DEVICENAME_MAPPING input (TDI is legacy; accepted and ignored). */
typedef struct _WSK_TDI_MAP {
    USHORT SocketType;
    ADDRESS_FAMILY AddressFamily;
    ULONG Protocol;
    PCWSTR TdiDeviceName;
} WSK_TDI_MAP, *PWSK_TDI_MAP;

typedef struct _WSK_TDI_MAP_INFO {
    CONST ULONG ElementCount;
    CONST WSK_TDI_MAP *Map;
} WSK_TDI_MAP_INFO, *PWSK_TDI_MAP_INFO;

/* Range of NPI versions the provider supports. */
typedef struct _WSK_PROVIDER_CHARACTERISTICS {
    USHORT HighestVersion;
    USHORT LowestVersion;
} WSK_PROVIDER_CHARACTERISTICS, *PWSK_PROVIDER_CHARACTERISTICS;

/* =====================================================================================
 * Client callbacks (called by the provider at IRQL <= DISPATCH_LEVEL)
 * ===================================================================================== */

/* Client-object event. No event types are defined, so the provider never calls it. */
typedef NTSTATUS(WSKAPI *PFN_WSK_CLIENT_EVENT)(PVOID ClientContext, ULONG EventType, PVOID Information,
                                               SIZE_T InformationLength);

/* Listening sockets. A NULL AcceptSocket / InspectID means the listener stopped working. */
typedef NTSTATUS(WSKAPI *PFN_WSK_ACCEPT_EVENT)(PVOID SocketContext, ULONG Flags, PSOCKADDR LocalAddress,
                                               PSOCKADDR RemoteAddress, PWSK_SOCKET AcceptSocket,
                                               PVOID *AcceptSocketContext,
                                               CONST WSK_CLIENT_CONNECTION_DISPATCH **AcceptSocketDispatch);
typedef WSK_INSPECT_ACTION(WSKAPI *PFN_WSK_INSPECT_EVENT)(PVOID SocketContext, PSOCKADDR LocalAddress,
                                                          PSOCKADDR RemoteAddress, PWSK_INSPECT_ID InspectID);
typedef NTSTATUS(WSKAPI *PFN_WSK_ABORT_EVENT)(PVOID SocketContext, PWSK_INSPECT_ID InspectID);

/* Datagram sockets. A NULL DataIndication means the socket stopped working. */
typedef NTSTATUS(WSKAPI *PFN_WSK_RECEIVE_FROM_EVENT)(PVOID SocketContext, ULONG Flags,
                                                     PWSK_DATAGRAM_INDICATION DataIndication);

/* Connection-oriented sockets. A NULL DataIndication means the socket stopped working. */
typedef NTSTATUS(WSKAPI *PFN_WSK_RECEIVE_EVENT)(PVOID SocketContext, ULONG Flags,
                                                PWSK_DATA_INDICATION DataIndication, SIZE_T BytesIndicated,
                                                SIZE_T *BytesAccepted);
typedef NTSTATUS(WSKAPI *PFN_WSK_DISCONNECT_EVENT)(PVOID SocketContext, ULONG Flags);
typedef NTSTATUS(WSKAPI *PFN_WSK_SEND_BACKLOG_EVENT)(PVOID SocketContext, SIZE_T IdealBacklogSize);

/* Installed per socket with SIO_WSK_SET_RECEIVE_EX_CALLBACK rather than through a table. */
typedef NTSTATUS(WSKAPI *PFN_WSK_RECEIVE_EX_EVENT)(PVOID SocketContext, ULONG Flags,
                                                   PWSK_DATA_INDICATION DataIndication, PCMSGHDR ControlInfo,
                                                   ULONG ControlInfoLength, SIZE_T BytesIndicated,
                                                   SIZE_T *BytesAccepted);

/* =====================================================================================
 * Client dispatch tables (client-allocated; must outlive their use by the provider)
 * ===================================================================================== */

typedef struct _WSK_CLIENT_DISPATCH {
    USHORT Version;  /* MAKE_WSK_VERSION(1, 0) */
    USHORT Reserved; /* 0 */
    PFN_WSK_CLIENT_EVENT WskClientEvent;
} WSK_CLIENT_DISPATCH, *PWSK_CLIENT_DISPATCH;

typedef struct _WSK_CLIENT_LISTEN_DISPATCH {
    PFN_WSK_ACCEPT_EVENT WskAcceptEvent;
    PFN_WSK_INSPECT_EVENT WskInspectEvent;
    PFN_WSK_ABORT_EVENT WskAbortEvent;
} WSK_CLIENT_LISTEN_DISPATCH, *PWSK_CLIENT_LISTEN_DISPATCH;

typedef struct _WSK_CLIENT_DATAGRAM_DISPATCH {
    PFN_WSK_RECEIVE_FROM_EVENT WskReceiveFromEvent;
} WSK_CLIENT_DATAGRAM_DISPATCH, *PWSK_CLIENT_DATAGRAM_DISPATCH;

struct _WSK_CLIENT_CONNECTION_DISPATCH {
    PFN_WSK_RECEIVE_EVENT WskReceiveEvent;
    PFN_WSK_DISCONNECT_EVENT WskDisconnectEvent;
    PFN_WSK_SEND_BACKLOG_EVENT WskSendBacklogEvent;
};

/* A stream socket commits to the listening or the connecting flow; the matching table is used. */
typedef struct _WSK_CLIENT_STREAM_DISPATCH {
    CONST WSK_CLIENT_LISTEN_DISPATCH *Listen;
    CONST WSK_CLIENT_CONNECTION_DISPATCH *Connect;
} WSK_CLIENT_STREAM_DISPATCH, *PWSK_CLIENT_STREAM_DISPATCH;

/* =====================================================================================
 * Provider functions: socket level (all IRQL <= DISPATCH_LEVEL)
 *
 * IRP-taking calls follow one contract: STATUS_PENDING = the IRP completes later; any other
 * return = the IRP has already been completed with that status.
 * ===================================================================================== */

typedef NTSTATUS(WSKAPI *PFN_WSK_CONTROL_SOCKET)(PWSK_SOCKET Socket, WSK_CONTROL_SOCKET_TYPE RequestType,
                                                 ULONG ControlCode, ULONG Level, SIZE_T InputSize,
                                                 PVOID InputBuffer, SIZE_T OutputSize, PVOID OutputBuffer,
                                                 SIZE_T *OutputSizeReturned, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_CLOSE_SOCKET)(PWSK_SOCKET Socket, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_BIND)(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, ULONG Flags, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_ACCEPT)(PWSK_SOCKET ListenSocket, ULONG Flags, PVOID AcceptSocketContext,
                                         CONST WSK_CLIENT_CONNECTION_DISPATCH *AcceptSocketDispatch,
                                         PSOCKADDR LocalAddress, PSOCKADDR RemoteAddress, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_INSPECT_COMPLETE)(PWSK_SOCKET ListenSocket, PWSK_INSPECT_ID InspectID,
                                                   WSK_INSPECT_ACTION Action, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_GET_LOCAL_ADDRESS)(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_GET_REMOTE_ADDRESS)(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_CONNECT)(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress, ULONG Flags, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_CONNECT_EX)(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress, PWSK_BUF Buffer,
                                             ULONG Flags, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_LISTEN)(PWSK_SOCKET Socket, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_SEND)(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_SEND_EX)(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                                          ULONG ControlInfoLength, PCMSGHDR ControlInfo, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_RECEIVE)(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_RECEIVE_EX)(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                                             PULONG ControlInfoLength, PCMSGHDR ControlInfo, PULONG ControlFlags,
                                             PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_DISCONNECT)(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_RELEASE_DATA_INDICATION_LIST)(PWSK_SOCKET Socket,
                                                               PWSK_DATA_INDICATION DataIndication);
typedef NTSTATUS(WSKAPI *PFN_WSK_RELEASE_DATAGRAM_INDICATION_LIST)(PWSK_SOCKET Socket,
                                                                   PWSK_DATAGRAM_INDICATION DatagramIndication);
typedef NTSTATUS(WSKAPI *PFN_WSK_SEND_TO)(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                                          PSOCKADDR RemoteAddress, ULONG ControlInfoLength, PCMSGHDR ControlInfo,
                                          PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_RECEIVE_FROM)(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                                               PSOCKADDR RemoteAddress, PULONG ControlLength,
                                               PCMSGHDR ControlInfo, PULONG ControlFlags, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_SEND_MESSAGES)(PWSK_SOCKET Socket, PWSK_BUF_LIST BufferList, ULONG Flags,
                                                PSOCKADDR RemoteAddress, ULONG ControlInfoLength,
                                                PCMSGHDR ControlInfo, PIRP Irp);

/* =====================================================================================
 * Provider functions: client level
 * ===================================================================================== */

/* On success Irp->IoStatus.Information holds the new PWSK_SOCKET. */
typedef NTSTATUS(WSKAPI *PFN_WSK_SOCKET)(PWSK_CLIENT Client, ADDRESS_FAMILY AddressFamily, USHORT SocketType,
                                         ULONG Protocol, ULONG Flags, PVOID SocketContext, CONST VOID *Dispatch,
                                         PEPROCESS OwningProcess, PETHREAD OwningThread,
                                         PSECURITY_DESCRIPTOR SecurityDescriptor, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_SOCKET_CONNECT)(PWSK_CLIENT Client, USHORT SocketType, ULONG Protocol,
                                                 PSOCKADDR LocalAddress, PSOCKADDR RemoteAddress, ULONG Flags,
                                                 PVOID SocketContext,
                                                 CONST WSK_CLIENT_CONNECTION_DISPATCH *Dispatch,
                                                 PEPROCESS OwningProcess, PETHREAD OwningThread,
                                                 PSECURITY_DESCRIPTOR SecurityDescriptor, PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_CONTROL_CLIENT)(PWSK_CLIENT Client, ULONG ControlCode, SIZE_T InputSize,
                                                 PVOID InputBuffer, SIZE_T OutputSize, PVOID OutputBuffer,
                                                 SIZE_T *OutputSizeReturned, PIRP Irp);
/* Name resolution: PASSIVE_LEVEL only. */
typedef NTSTATUS(WSKAPI *PFN_WSK_GET_ADDRESS_INFO)(PWSK_CLIENT Client, PUNICODE_STRING NodeName,
                                                   PUNICODE_STRING ServiceName, ULONG NameSpace, GUID *Provider,
                                                   PADDRINFOEXW Hints, PADDRINFOEXW *Result,
                                                   PEPROCESS OwningProcess, PETHREAD OwningThread, PIRP Irp);
typedef VOID(WSKAPI *PFN_WSK_FREE_ADDRESS_INFO)(PWSK_CLIENT Client, PADDRINFOEXW AddrInfo);
typedef NTSTATUS(WSKAPI *PFN_WSK_GET_NAME_INFO)(PWSK_CLIENT Client, PSOCKADDR SockAddr, ULONG SockAddrLength,
                                                PUNICODE_STRING NodeName, PUNICODE_STRING ServiceName,
                                                ULONG Flags, PEPROCESS OwningProcess, PETHREAD OwningThread,
                                                PIRP Irp);

/* =====================================================================================
 * Provider dispatch tables (provider-allocated). Slot order is fixed: clients call through
 * them, and some reach WskBind (slot 2) through a table of another category.
 *
 * Slots 0-1 of every socket-level table are the basic pair. The WDK names that member "Basic"
 * in C++ and leaves it unnamed in C; here it is a union of both forms, so
 * d->WskCloseSocket and d->Basic.WskCloseSocket both work in C and C++ with the same layout.
 * Brace initialisation therefore needs one extra level around the pair:
 *     WSK_PROVIDER_CONNECTION_DISPATCH d = { { { Control, Close } }, Bind, Connect, ... };
 * ===================================================================================== */

typedef struct _WSK_PROVIDER_BASIC_DISPATCH {
    PFN_WSK_CONTROL_SOCKET WskControlSocket;
    PFN_WSK_CLOSE_SOCKET WskCloseSocket;
} WSK_PROVIDER_BASIC_DISPATCH, *PWSK_PROVIDER_BASIC_DISPATCH;

typedef struct _WSK_PROVIDER_LISTEN_DISPATCH {
    union {
        WSK_PROVIDER_BASIC_DISPATCH Basic;
        struct {
            PFN_WSK_CONTROL_SOCKET WskControlSocket;
            PFN_WSK_CLOSE_SOCKET WskCloseSocket;
        };
    };
    PFN_WSK_BIND WskBind;
    PFN_WSK_ACCEPT WskAccept;
    PFN_WSK_INSPECT_COMPLETE WskInspectComplete;
    PFN_WSK_GET_LOCAL_ADDRESS WskGetLocalAddress;
} WSK_PROVIDER_LISTEN_DISPATCH, *PWSK_PROVIDER_LISTEN_DISPATCH;

typedef struct _WSK_PROVIDER_DATAGRAM_DISPATCH {
    union {
        WSK_PROVIDER_BASIC_DISPATCH Basic;
        struct {
            PFN_WSK_CONTROL_SOCKET WskControlSocket;
            PFN_WSK_CLOSE_SOCKET WskCloseSocket;
        };
    };
    PFN_WSK_BIND WskBind;
    PFN_WSK_SEND_TO WskSendTo;
    PFN_WSK_RECEIVE_FROM WskReceiveFrom;
    PFN_WSK_RELEASE_DATAGRAM_INDICATION_LIST WskRelease;
    PFN_WSK_GET_LOCAL_ADDRESS WskGetLocalAddress;
    PFN_WSK_SEND_MESSAGES WskSendMessages; /* Windows 8 */
} WSK_PROVIDER_DATAGRAM_DISPATCH, *PWSK_PROVIDER_DATAGRAM_DISPATCH;

typedef struct _WSK_PROVIDER_CONNECTION_DISPATCH {
    union {
        WSK_PROVIDER_BASIC_DISPATCH Basic;
        struct {
            PFN_WSK_CONTROL_SOCKET WskControlSocket;
            PFN_WSK_CLOSE_SOCKET WskCloseSocket;
        };
    };
    PFN_WSK_BIND WskBind;
    PFN_WSK_CONNECT WskConnect;
    PFN_WSK_GET_LOCAL_ADDRESS WskGetLocalAddress;
    PFN_WSK_GET_REMOTE_ADDRESS WskGetRemoteAddress;
    PFN_WSK_SEND WskSend;
    PFN_WSK_RECEIVE WskReceive;
    PFN_WSK_DISCONNECT WskDisconnect;
    PFN_WSK_RELEASE_DATA_INDICATION_LIST WskRelease;
    PFN_WSK_CONNECT_EX WskConnectEx; /* Windows 10 1703 */
    PFN_WSK_SEND_EX WskSendEx;       /* reserved for system use */
    PFN_WSK_RECEIVE_EX WskReceiveEx; /* reserved for system use */
} WSK_PROVIDER_CONNECTION_DISPATCH, *PWSK_PROVIDER_CONNECTION_DISPATCH;

/* Windows 10 1703. Note the order differs from the connection table. */
typedef struct _WSK_PROVIDER_STREAM_DISPATCH {
    union {
        WSK_PROVIDER_BASIC_DISPATCH Basic;
        struct {
            PFN_WSK_CONTROL_SOCKET WskControlSocket;
            PFN_WSK_CLOSE_SOCKET WskCloseSocket;
        };
    };
    PFN_WSK_BIND WskBind;
    PFN_WSK_ACCEPT WskAccept;
    PFN_WSK_CONNECT WskConnect;
    PFN_WSK_LISTEN WskListen;
    PFN_WSK_SEND WskSend;
    PFN_WSK_RECEIVE WskReceive;
    PFN_WSK_DISCONNECT WskDisconnect;
    PFN_WSK_RELEASE_DATA_INDICATION_LIST WskRelease;
    PFN_WSK_GET_LOCAL_ADDRESS WskGetLocalAddress;
    PFN_WSK_GET_REMOTE_ADDRESS WskGetRemoteAddress;
    PFN_WSK_CONNECT_EX WskConnectEx;
    PFN_WSK_SEND_EX WskSendEx;       /* reserved for system use */
    PFN_WSK_RECEIVE_EX WskReceiveEx; /* reserved for system use */
} WSK_PROVIDER_STREAM_DISPATCH, *PWSK_PROVIDER_STREAM_DISPATCH;

/* Client-level table returned by WskCaptureProviderNPI. */
typedef struct _WSK_PROVIDER_DISPATCH {
    USHORT Version; /* may carry a higher minor than the client asked for */
    USHORT Reserved;
    PFN_WSK_SOCKET WskSocket;
    PFN_WSK_SOCKET_CONNECT WskSocketConnect;
    PFN_WSK_CONTROL_CLIENT WskControlClient;
    PFN_WSK_GET_ADDRESS_INFO WskGetAddressInfo;   /* Windows 7 */
    PFN_WSK_FREE_ADDRESS_INFO WskFreeAddressInfo; /* Windows 7 */
    PFN_WSK_GET_NAME_INFO WskGetNameInfo;         /* Windows 7 */
} WSK_PROVIDER_DISPATCH, *PWSK_PROVIDER_DISPATCH;

/* =====================================================================================
 * Registration
 * ===================================================================================== */

typedef struct _WSK_CLIENT_NPI {
    PVOID ClientContext; /* passed back to WskClientEvent */
    CONST WSK_CLIENT_DISPATCH *Dispatch;
} WSK_CLIENT_NPI, *PWSK_CLIENT_NPI;

/* Filled by WskCaptureProviderNPI. */
typedef struct _WSK_PROVIDER_NPI {
    PWSK_CLIENT Client;
    CONST WSK_PROVIDER_DISPATCH *Dispatch;
} WSK_PROVIDER_NPI, *PWSK_PROVIDER_NPI;

/* Client-allocated, opaque to the client; the provider keeps its registration state here. */
typedef struct _WSK_REGISTRATION {
    ULONGLONG ReservedRegistrationState;
    PVOID ReservedRegistrationContext;
    KSPIN_LOCK ReservedRegistrationLock;
} WSK_REGISTRATION, *PWSK_REGISTRATION;

EXTERN_C_START

/* PASSIVE_LEVEL. One WskDeregister per successful WskRegister, with the same block. */
NTSTATUS WskRegister(PWSK_CLIENT_NPI WskClientNpi, PWSK_REGISTRATION WskRegistration);
/* PASSIVE_LEVEL. Blocks until captures are released, calls have returned, sockets are closed. */
VOID WskDeregister(PWSK_REGISTRATION WskRegistration);
/* PASSIVE_LEVEL when WaitTimeout != WSK_NO_WAIT, else <= DISPATCH_LEVEL. */
NTSTATUS WskCaptureProviderNPI(PWSK_REGISTRATION WskRegistration, ULONG WaitTimeout,
                               PWSK_PROVIDER_NPI WskProviderNpi);
VOID WskReleaseProviderNPI(PWSK_REGISTRATION WskRegistration);
NTSTATUS WskQueryProviderCharacteristics(PWSK_REGISTRATION WskRegistration,
                                         PWSK_PROVIDER_CHARACTERISTICS WskProviderCharacteristics);

EXTERN_C_END

#endif /* WSKNS3_WSK_H */
