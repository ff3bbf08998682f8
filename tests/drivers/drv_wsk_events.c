/*
 * drv_wsk_events.c - connection-socket event callbacks against drv_wsk_server in source mode (the server
 * sends the test pattern). Parameters: Server, Port, Case, Bytes (what the server sends per connection),
 * HoldMs (retain), PauseMs (notaccepted), Connections (static).
 *   callbacks    SO_WSK_EVENT_CALLBACK: enabling before connect (STATUS_INVALID_DEVICE_STATE), enabling
 *                RECEIVE|DISCONNECT in one call, refusing a disable mask naming two events
 *                (STATUS_INVALID_PARAMETER), both callbacks firing, then a single disable with an IRP
 *   static       WSK_SET_STATIC_EVENT_CALLBACKS(RECEIVE) before the first socket: every socket gets receive
 *                events without SO_WSK_EVENT_CALLBACK; the static event can be neither disabled nor enabled
 *                again (STATUS_INVALID_PARAMETER); a non-static event still can be; a second static call is
 *                refused (STATUS_INVALID_DEVICE_STATE)
 *   retain       WskReceiveEvent returns STATUS_PENDING for every indication; the lists are released with
 *                WskRelease HoldMs later; every byte must arrive once, in order, and stay intact until released
 *   notaccepted  the first indication is refused with STATUS_DATA_NOT_ACCEPTED; no indication may follow
 *                until a WskReceive completes, which returns the refused bytes; indications then resume
 */
#include "drv_wsk_common.h"

#define MAX_SOCKETS 8

typedef struct _EV_SOCKET {
    PWSK_SOCKET Socket;
    ULONG Index;
    ULONGLONG RxOffset;          /* stream offset of the next expected byte */
    SIZE_T RxBad;                /* bytes that did not match the pattern */
    volatile LONG RxEvents;
    volatile LONG DisconnectEvents;
    ULONG DisconnectFlags;
    volatile LONG NullIndications;
    KEVENT Disconnected;
    KEVENT AllReceived;
} EV_SOCKET, *PEV_SOCKET;

typedef struct _EV_RETAINED {
    LIST_ENTRY Link;
    PEV_SOCKET Owner;
    PWSK_DATA_INDICATION List;
    ULONGLONG Offset;
    SIZE_T Bytes;
    ULONGLONG AtUs;
} EV_RETAINED, *PEV_RETAINED;

static PETHREAD g_thread;
static WT_WSK g_wsk;
static WCHAR g_case[32];
static WCHAR g_server[64];
static ULONG g_port, g_bytes, g_holdMs, g_pauseMs, g_connections;
static EV_SOCKET g_sockets[MAX_SOCKETS];

static KSPIN_LOCK g_lock;
static LIST_ENTRY g_retained;
static volatile LONG g_retainedLists, g_retainedNow, g_maxRetainedNow;
static volatile LONG64 g_retainedBytesNow, g_maxRetainedBytes;

/* notaccepted */
static volatile LONG g_refused;
static volatile LONG g_pauseOpen;
static volatile LONG g_eventsDuringPause;
static volatile LONG g_eventsAfterPause;
static KEVENT g_refusedEvent;

static NTSTATUS WSKAPI EvReceiveEvent(PVOID SocketContext, ULONG Flags, PWSK_DATA_INDICATION DataIndication,
                                      SIZE_T BytesIndicated, SIZE_T *BytesAccepted);
static NTSTATUS WSKAPI EvDisconnectEvent(PVOID SocketContext, ULONG Flags);
static const WSK_CLIENT_CONNECTION_DISPATCH g_dispatch = {EvReceiveEvent, EvDisconnectEvent, NULL};

static VOID EvNoteBytes(PEV_SOCKET s)
{
    if (g_bytes > 0 && s->RxOffset >= g_bytes)
        KeSetEvent(&s->AllReceived, IO_NO_INCREMENT, FALSE);
}

static NTSTATUS WSKAPI EvReceiveEvent(PVOID SocketContext, ULONG Flags, PWSK_DATA_INDICATION DataIndication,
                                      SIZE_T BytesIndicated, SIZE_T *BytesAccepted)
{
    PEV_SOCKET s = (PEV_SOCKET)SocketContext;
    SIZE_T counted = 0;
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(BytesAccepted);
    if (DataIndication == NULL) {
        InterlockedIncrement(&s->NullIndications);
        return STATUS_SUCCESS;
    }
    InterlockedIncrement(&s->RxEvents);

    if (WtIs(g_case, "notaccepted")) {
        if (InterlockedCompareExchange(&g_refused, 1, 0) == 0) {
            InterlockedExchange(&g_pauseOpen, 1);
            DbgPrint("RESULT na_refused_bytes=%Iu\n", BytesIndicated);
            KeSetEvent(&g_refusedEvent, IO_NO_INCREMENT, FALSE);
            return STATUS_DATA_NOT_ACCEPTED;
        }
        if (g_pauseOpen)
            InterlockedIncrement(&g_eventsDuringPause);
        else
            InterlockedIncrement(&g_eventsAfterPause);
    }

    if (WtIs(g_case, "retain")) {
        PEV_RETAINED r = (PEV_RETAINED)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*r), WT_TAG);
        KIRQL irql;
        LONG n;
        LONG64 b;
        if (r == NULL) {
            /* cannot keep it: consume it now */
            s->RxBad += WtCheckIndication(DataIndication, &s->RxOffset, 0, &counted);
            EvNoteBytes(s);
            return STATUS_SUCCESS;
        }
        r->Owner = s;
        r->List = DataIndication;
        r->Offset = s->RxOffset;
        r->AtUs = WtNowUs();
        s->RxBad += WtCheckIndication(DataIndication, &s->RxOffset, 0, &counted);
        r->Bytes = counted;
        if (counted != BytesIndicated)
            DbgPrint("RESULT retain_bytes_indicated_mismatch=%Iu/%Iu\n", counted, BytesIndicated);
        KeAcquireSpinLock(&g_lock, &irql);
        InsertTailList(&g_retained, &r->Link);
        KeReleaseSpinLock(&g_lock, irql);
        InterlockedIncrement(&g_retainedLists);
        n = InterlockedIncrement(&g_retainedNow);
        if (n > g_maxRetainedNow)
            g_maxRetainedNow = n;
        b = InterlockedAdd64(&g_retainedBytesNow, (LONG64)counted);
        if (b > g_maxRetainedBytes)
            g_maxRetainedBytes = b;
        EvNoteBytes(s);
        return STATUS_PENDING;
    }

    s->RxBad += WtCheckIndication(DataIndication, &s->RxOffset, 0, &counted);
    if (counted != BytesIndicated)
        DbgPrint("RESULT bytes_indicated_mismatch=%Iu/%Iu\n", counted, BytesIndicated);
    EvNoteBytes(s);
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI EvDisconnectEvent(PVOID SocketContext, ULONG Flags)
{
    PEV_SOCKET s = (PEV_SOCKET)SocketContext;
    s->DisconnectFlags = Flags & ~(ULONG)WSK_FLAG_AT_DISPATCH_LEVEL;
    InterlockedIncrement(&s->DisconnectEvents);
    KeSetEvent(&s->Disconnected, IO_NO_INCREMENT, FALSE);
    return STATUS_SUCCESS;
}

/* Creates, binds and connects socket i with the event dispatch table; logs each step. */
static NTSTATUS EvConnect(PWT_SYNC Sync, ULONG i, BOOLEAN EnableBeforeConnect)
{
    SOCKADDR_STORAGE remote;
    WSK_EVENT_CALLBACK_CONTROL control;
    PEV_SOCKET s = &g_sockets[i];
    NTSTATUS status;

    status = WtMakeAddress(&remote, AF_INET, g_server, (USHORT)g_port);
    if (!NT_SUCCESS(status))
        return status;
    status = WtCreateSocket(&g_wsk, Sync, remote.ss_family, WSK_FLAG_CONNECTION_SOCKET, s, &g_dispatch, &s->Socket);
    if (!NT_SUCCESS(status)) {
        DbgPrint("RESULT socket%u=0x%08X\n", i, (ULONG)status);
        return status;
    }
    status = WtBindWildcard(Sync, s->Socket, remote.ss_family, 0);
    if (!NT_SUCCESS(status)) {
        DbgPrint("RESULT bind%u=0x%08X\n", i, (ULONG)status);
        return status;
    }
    if (EnableBeforeConnect) {
        status = WtSetEventMask(s->Socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT, NULL, &control);
        DbgPrint("RESULT enable_before_connect=0x%08X\n", (ULONG)status);
    }
    status = WtConnect(Sync, s->Socket, &remote);
    DbgPrint("RESULT connect%u=0x%08X\n", i, (ULONG)status);
    return status;
}

static VOID EvCloseAll(PWT_SYNC Sync)
{
    ULONG i;
    for (i = 0; i < MAX_SOCKETS; i++)
        if (g_sockets[i].Socket != NULL) {
            NTSTATUS status = WtCloseSocket(Sync, g_sockets[i].Socket);
            if (!NT_SUCCESS(status))
                DbgPrint("RESULT close%u=0x%08X\n", i, (ULONG)status);
            g_sockets[i].Socket = NULL;
        }
}

static VOID CaseCallbacks(PWT_SYNC Sync)
{
    WSK_EVENT_CALLBACK_CONTROL control;
    PEV_SOCKET s = &g_sockets[0];
    NTSTATUS status;

    if (!NT_SUCCESS(EvConnect(Sync, 0, TRUE)))
        return;
    /* several events in one call */
    status = WtSetEventMask(s->Socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT, NULL, &control);
    DbgPrint("RESULT enable_two=0x%08X\n", (ULONG)status);
    /* a disable names one event only */
    status = WtSetEventMask(s->Socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT | WSK_EVENT_DISABLE, NULL, &control);
    DbgPrint("RESULT disable_two=0x%08X\n", (ULONG)status);

    /* the refused disable changed nothing: both callbacks still fire */
    WtWaitMs(&s->AllReceived, 20000);
    WtWaitMs(&s->Disconnected, 20000);
    DbgPrint("RESULT rx_bytes=%I64u rx_bad=%Iu rx_events=%d disconnect_events=%d disconnect_flags=0x%X\n",
             s->RxOffset, s->RxBad, s->RxEvents, s->DisconnectEvents, s->DisconnectFlags);

    /* one event per disable; with an IRP it completes (maybe after STATUS_PENDING) with success */
    status = WtSyncEnd(Sync, "WskControlSocket(disable RECEIVE)",
                       WtSetEventMask(s->Socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE, WtSyncBegin(Sync), &control));
    DbgPrint("RESULT disable_one=0x%08X\n", (ULONG)status);
    EvCloseAll(Sync);
}

static VOID CaseStatic(PWT_SYNC Sync)
{
    WSK_EVENT_CALLBACK_CONTROL control;
    NTSTATUS status;
    ULONG i, withRx = 0, bad = 0;

    control.NpiId = &NPI_WSK_INTERFACE_ID;
    control.EventMask = WSK_EVENT_RECEIVE;
    status = g_wsk.Npi.Dispatch->WskControlClient(g_wsk.Npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof(control),
                                                  &control, 0, NULL, NULL, NULL);
    DbgPrint("RESULT static_set=0x%08X\n", (ULONG)status);

    for (i = 0; i < g_connections; i++)
        if (!NT_SUCCESS(EvConnect(Sync, i, FALSE)))
            break;

    status = g_wsk.Npi.Dispatch->WskControlClient(g_wsk.Npi.Client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof(control),
                                                  &control, 0, NULL, NULL, NULL);
    DbgPrint("RESULT static_after_socket=0x%08X\n", (ULONG)status);

    if (g_sockets[0].Socket != NULL) {
        PWSK_SOCKET socket = g_sockets[0].Socket;
        status = WtSetEventMask(socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE, NULL, &control);
        DbgPrint("RESULT static_disable=0x%08X\n", (ULONG)status);
        status = WtSetEventMask(socket, WSK_EVENT_RECEIVE, NULL, &control);
        DbgPrint("RESULT static_reenable=0x%08X\n", (ULONG)status);
        status = WtSetEventMask(socket, WSK_EVENT_DISCONNECT, NULL, &control);
        DbgPrint("RESULT enable_nonstatic=0x%08X\n", (ULONG)status);
    }

    for (i = 0; i < g_connections; i++) {
        PEV_SOCKET s = &g_sockets[i];
        if (s->Socket == NULL)
            continue;
        WtWaitMs(&s->AllReceived, 20000);
        if (s->RxOffset > 0)
            withRx++;
        bad += (ULONG)s->RxBad;
        DbgPrint("RESULT static_rx_bytes%u=%I64u\n", i, s->RxOffset);
    }
    WtWaitMs(&g_sockets[0].Disconnected, 5000);
    DbgPrint("RESULT static_sockets=%u static_sockets_with_rx=%u static_rx_bad=%u nonstatic_disconnect_events=%d\n",
             g_connections, withRx, bad, g_sockets[0].DisconnectEvents);
    EvCloseAll(Sync);
}

/* Releases the retained lists older than HoldMs (all of them if Force); re-checks each before release. */
static VOID EvReleaseRetained(BOOLEAN Force, LONG *Failures, SIZE_T *Corrupted)
{
    for (;;) {
        PEV_RETAINED r = NULL;
        KIRQL irql;
        KeAcquireSpinLock(&g_lock, &irql);
        if (!IsListEmpty(&g_retained)) {
            PEV_RETAINED head = CONTAINING_RECORD(g_retained.Flink, EV_RETAINED, Link);
            if (Force || head->AtUs + (ULONGLONG)g_holdMs * 1000 <= WtNowUs()) {
                RemoveEntryList(&head->Link);
                r = head;
            }
        }
        KeReleaseSpinLock(&g_lock, irql);
        if (r == NULL)
            return;
        {
            ULONGLONG offset = r->Offset;
            SIZE_T bytes = 0;
            NTSTATUS status;
            *Corrupted += WtCheckIndication(r->List, &offset, 0, &bytes);
            status = WT_CONN(r->Owner->Socket)->WskRelease(r->Owner->Socket, r->List);
            if (status != STATUS_SUCCESS) {
                (*Failures)++;
                DbgPrint("RESULT retain_release_status=0x%08X\n", (ULONG)status);
            }
            InterlockedDecrement(&g_retainedNow);
            InterlockedAdd64(&g_retainedBytesNow, -(LONG64)r->Bytes);
            ExFreePoolWithTag(r, WT_TAG);
        }
    }
}

static VOID CaseRetain(PWT_SYNC Sync)
{
    WSK_EVENT_CALLBACK_CONTROL control;
    PEV_SOCKET s = &g_sockets[0];
    NTSTATUS status;
    LONG failures = 0;
    SIZE_T corrupted = 0;
    ULONGLONG deadline;

    if (!NT_SUCCESS(EvConnect(Sync, 0, FALSE)))
        return;
    status = WtSetEventMask(s->Socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT, NULL, &control);
    DbgPrint("RESULT enable=0x%08X\n", (ULONG)status);
    deadline = WtNowUs() + 60ull * 1000 * 1000;
    while (WtNowUs() < deadline) {
        EvReleaseRetained(FALSE, &failures, &corrupted);
        if (s->DisconnectEvents > 0 && g_retainedNow == 0)
            break;
        WtSleepMs(5);
    }
    EvReleaseRetained(TRUE, &failures, &corrupted);
    DbgPrint("RESULT retain_rx_bytes=%I64u retain_rx_bad=%Iu retain_lists=%d retain_max_lists=%d "
             "retain_max_bytes=%I64d retain_release_failures=%d retain_corrupted_before_release=%Iu "
             "disconnect_events=%d disconnect_flags=0x%X\n",
             s->RxOffset, s->RxBad, g_retainedLists, g_maxRetainedNow, g_maxRetainedBytes, failures, corrupted,
             s->DisconnectEvents, s->DisconnectFlags);
    EvCloseAll(Sync);
}

typedef struct _EV_NA_RECEIVE {
    WT_BUFFER Buffer;
    WSK_BUF WskBuf;
    PIRP Irp;
    KEVENT Done;
    BOOLEAN PendingReturned;
} EV_NA_RECEIVE;

/* The resuming WskReceive: its bytes precede any indication that follows, so account for them here. */
static IO_COMPLETION_ROUTINE EvNaReceiveComplete;
static NTSTATUS EvNaReceiveComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    EV_NA_RECEIVE *r = (EV_NA_RECEIVE *)Context;
    PEV_SOCKET s = &g_sockets[0];
    UNREFERENCED_PARAMETER(DeviceObject);
    r->PendingReturned = Irp->PendingReturned;
    if (NT_SUCCESS(Irp->IoStatus.Status)) {
        SIZE_T n = Irp->IoStatus.Information;
        SIZE_T bad = WtCheckPattern(r->Buffer.Data, n, s->RxOffset, 0);
        DbgPrint("RESULT na_receive=0x%08X na_receive_bytes=%Iu na_receive_offset=%I64u na_receive_bad=%Iu\n",
                 (ULONG)Irp->IoStatus.Status, n, s->RxOffset, bad);
        s->RxBad += bad;
        s->RxOffset += n;
    } else {
        DbgPrint("RESULT na_receive=0x%08X\n", (ULONG)Irp->IoStatus.Status);
    }
    DbgPrint("RESULT na_events_during_pause=%d\n", g_eventsDuringPause);
    InterlockedExchange(&g_pauseOpen, 0);
    KeSetEvent(&r->Done, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID CaseNotAccepted(PWT_SYNC Sync)
{
    WSK_EVENT_CALLBACK_CONTROL control;
    PEV_SOCKET s = &g_sockets[0];
    EV_NA_RECEIVE r;
    NTSTATUS status;

    RtlZeroMemory(&r, sizeof(r));
    KeInitializeEvent(&r.Done, NotificationEvent, FALSE);
    if (!NT_SUCCESS(WtBufferAlloc(&r.Buffer, 4096)) || (r.Irp = IoAllocateIrp(1, FALSE)) == NULL) {
        DbgPrint("RESULT setup_failed=na\n");
        WtBufferFree(&r.Buffer);
        return;
    }
    if (NT_SUCCESS(EvConnect(Sync, 0, FALSE))) {
        status = WtSetEventMask(s->Socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT, NULL, &control);
        DbgPrint("RESULT enable=0x%08X\n", (ULONG)status);
        if (WtWaitMs(&g_refusedEvent, 20000)) {
            /* the sender keeps sending; nothing may be indicated while we do not receive */
            WtSleepMs(g_pauseMs);
            r.WskBuf = WtWskBuf(&r.Buffer, 4096);
            IoSetCompletionRoutine(r.Irp, EvNaReceiveComplete, &r, TRUE, TRUE, TRUE);
            status = WT_CONN(s->Socket)->WskReceive(s->Socket, &r.WskBuf, 0, r.Irp);
            DbgPrint("RESULT na_receive_returned=0x%08X\n", (ULONG)status);
            WtWaitMs(&r.Done, 20000);
            WtWaitMs(&s->AllReceived, 30000);
            WtWaitMs(&s->Disconnected, 5000);
        }
        DbgPrint("RESULT na_total=%I64u na_bad=%Iu na_events_after_pause=%d na_rx_events=%d disconnect_events=%d\n",
                 s->RxOffset, s->RxBad, g_eventsAfterPause, s->RxEvents, s->DisconnectEvents);
    }
    EvCloseAll(Sync);
    /* the receive has completed, at the latest when the close cancelled it */
    if (r.WskBuf.Mdl != NULL && !WtWaitMs(&r.Done, 10000)) {
        DbgPrint("RESULT na_receive_never_completed=1\n"); /* leak the IRP rather than free it while pending */
        return;
    }
    IoFreeIrp(r.Irp);
    WtBufferFree(&r.Buffer);
}

static const WT_CASE g_cases[] = {
    {"callbacks", CaseCallbacks}, {"static", CaseStatic}, {"retain", CaseRetain},
    {"notaccepted", CaseNotAccepted}, {NULL, NULL},
};

static KSTART_ROUTINE TestThread;
static VOID TestThread(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    WtRunCase(&g_wsk, g_case, g_cases, EvCloseAll);
}

static DRIVER_UNLOAD DriverUnload;
static VOID DriverUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    WtJoinThread(&g_thread);
    DbgPrint("RESULT unloaded=1\n");
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    HANDLE key;
    ULONG i;
    WtOpenParameters(RegistryPath, &key);
    WtParamString(key, L"Case", g_case, ARRAYSIZE(g_case), L"callbacks");
    WtParamString(key, L"Server", g_server, ARRAYSIZE(g_server), L"10.1.1.2");
    g_port = WtParamDword(key, L"Port", 5000);
    g_bytes = WtParamDword(key, L"Bytes", 20000);
    g_holdMs = WtParamDword(key, L"HoldMs", 20);
    g_pauseMs = WtParamDword(key, L"PauseMs", 200);
    g_connections = WtParamDword(key, L"Connections", 2);
    WtCloseParameters(key);
    if (g_connections < 1)
        g_connections = 1;
    if (g_connections > MAX_SOCKETS)
        g_connections = MAX_SOCKETS;
    KeInitializeSpinLock(&g_lock);
    InitializeListHead(&g_retained);
    KeInitializeEvent(&g_refusedEvent, NotificationEvent, FALSE);
    for (i = 0; i < MAX_SOCKETS; i++) {
        g_sockets[i].Index = i;
        KeInitializeEvent(&g_sockets[i].Disconnected, NotificationEvent, FALSE);
        KeInitializeEvent(&g_sockets[i].AllReceived, NotificationEvent, FALSE);
    }
    DriverObject->DriverUnload = DriverUnload;
    return WtStartThread(TestThread, NULL, &g_thread);
}
