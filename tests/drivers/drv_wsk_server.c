/*
 * drv_wsk_server.c - the peer most provider tests talk to: a listening socket whose WskAcceptEvent accepts
 * every connection. The connection events (receive, disconnect) are enabled on the listening socket, so
 * every socket accepted through WskAcceptEvent gets them without its own SO_WSK_EVENT_CALLBACK (§8.6).
 *
 * Parameters (<RegistryPath>\Parameters):
 *   Port (5000), Family (4 or 6)
 *   Mode = echo    each WskReceiveEvent's bytes are sent back with WskSend (a copy, completed asynchronously)
 *        = source  after DelayMs, send Bytes bytes of the test pattern in Chunk-byte WskSends, IntervalMs apart
 *   After = none | close | abort   what the server does AfterDelayMs after sending (source mode): a graceful
 *           WskDisconnect or an abortive one (WSK_FLAG_ABORTIVE)
 *   Quiet (0): 1 = no per-connection lines
 * Each connection's source script runs on a system thread of its own (so connections proceed concurrently);
 * closing is done by a worker thread, because callbacks must not wait. On a peer's graceful disconnect the
 * server disconnects gracefully too, then closes; on an abortive one it closes. Every observation is a
 * "RESULT server_..." line; totals are printed at unload.
 */
#include "drv_wsk_common.h"

#define MODE_ECHO 0
#define MODE_SOURCE 1
#define AFTER_NONE 0
#define AFTER_CLOSE 1
#define AFTER_ABORT 2

#define WORK_START 0x1
#define WORK_PEER_CLOSED 0x2

typedef struct _SRV_CONN {
    LIST_ENTRY Link;     /* g_conns */
    LIST_ENTRY WorkLink; /* g_work, while Queued */
    BOOLEAN Queued;
    BOOLEAN Closing;
    BOOLEAN SourceActive; /* a source thread is sending on it */
    BOOLEAN ClosePending; /* the peer closed while it was */
    BOOLEAN LocalDisconnected;
    ULONG Work;
    PWSK_SOCKET Socket;
    ULONG Id;
    volatile LONG Refs; /* 1 for the socket + 1 per echo WskSend in flight */
    volatile LONG PeerDisconnect; /* 0 none, 1 graceful, 2 abortive */
    ULONGLONG RxBytes;
} SRV_CONN, *PSRV_CONN;

typedef struct _SRV_SEND {
    PSRV_CONN Conn;
    PIRP Irp;
    PMDL Mdl;
    WSK_BUF Buffer;
    SIZE_T Length;
    UCHAR Data[1];
} SRV_SEND, *PSRV_SEND;

static WT_WSK g_wsk;
static PWSK_SOCKET g_listener;
static KSPIN_LOCK g_lock;
static LIST_ENTRY g_conns;
static LIST_ENTRY g_work;
static BOOLEAN g_stopping;
static KEVENT g_workEvent;
static KEVENT g_stop;
static PETHREAD g_worker;
#define MAX_SOURCE_THREADS 64
static PETHREAD g_sourceThreads[MAX_SOURCE_THREADS];
static ULONG g_sourceThreadCount;

static ULONG g_port, g_family, g_mode, g_after, g_bytes, g_chunk, g_intervalMs, g_delayMs, g_afterDelayMs, g_quiet;

static volatile LONG g_accepted, g_live, g_maxLive, g_discGraceful, g_discAbortive, g_notFunctional;
static volatile LONG g_sendFailures, g_acceptNull;
static volatile LONG64 g_rxBytes, g_txBytes;

static NTSTATUS WSKAPI SrvAcceptEvent(PVOID SocketContext, ULONG Flags, PSOCKADDR LocalAddress,
                                      PSOCKADDR RemoteAddress, PWSK_SOCKET AcceptSocket, PVOID *AcceptSocketContext,
                                      CONST WSK_CLIENT_CONNECTION_DISPATCH **AcceptSocketDispatch);
static NTSTATUS WSKAPI SrvReceiveEvent(PVOID SocketContext, ULONG Flags, PWSK_DATA_INDICATION DataIndication,
                                       SIZE_T BytesIndicated, SIZE_T *BytesAccepted);
static NTSTATUS WSKAPI SrvDisconnectEvent(PVOID SocketContext, ULONG Flags);

static const WSK_CLIENT_LISTEN_DISPATCH g_listenDispatch = {SrvAcceptEvent, NULL, NULL};
static const WSK_CLIENT_CONNECTION_DISPATCH g_connDispatch = {SrvReceiveEvent, SrvDisconnectEvent, NULL};

static VOID SrvConnRelease(PSRV_CONN Conn)
{
    if (InterlockedDecrement(&Conn->Refs) == 0)
        ExFreePoolWithTag(Conn, WT_TAG);
}

/* Hands work for a connection to the worker thread (callbacks must not block). */
static VOID SrvQueueWork(PSRV_CONN Conn, ULONG Work)
{
    KIRQL irql;
    KeAcquireSpinLock(&g_lock, &irql);
    if (!g_stopping && !Conn->Closing) {
        Conn->Work |= Work;
        if (!Conn->Queued) {
            Conn->Queued = TRUE;
            InsertTailList(&g_work, &Conn->WorkLink);
        }
    }
    KeReleaseSpinLock(&g_lock, irql);
    KeSetEvent(&g_workEvent, IO_NO_INCREMENT, FALSE);
}

static NTSTATUS WSKAPI SrvAcceptEvent(PVOID SocketContext, ULONG Flags, PSOCKADDR LocalAddress,
                                      PSOCKADDR RemoteAddress, PWSK_SOCKET AcceptSocket, PVOID *AcceptSocketContext,
                                      CONST WSK_CLIENT_CONNECTION_DISPATCH **AcceptSocketDispatch)
{
    PSRV_CONN conn;
    KIRQL irql;
    LONG live;
    UNREFERENCED_PARAMETER(SocketContext);
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(LocalAddress);
    UNREFERENCED_PARAMETER(RemoteAddress);
    if (AcceptSocket == NULL) {
        InterlockedIncrement(&g_acceptNull);
        DbgPrint("RESULT server_listener_not_functional=1\n");
        return STATUS_REQUEST_NOT_ACCEPTED;
    }
    conn = (PSRV_CONN)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*conn), WT_TAG);
    if (conn == NULL)
        return STATUS_REQUEST_NOT_ACCEPTED;
    conn->Socket = AcceptSocket;
    conn->Refs = 1;
    conn->Id = (ULONG)InterlockedIncrement(&g_accepted);
    KeAcquireSpinLock(&g_lock, &irql);
    InsertTailList(&g_conns, &conn->Link);
    KeReleaseSpinLock(&g_lock, irql);
    live = InterlockedIncrement(&g_live);
    if (live > g_maxLive)
        g_maxLive = live;
    *AcceptSocketContext = conn;
    *AcceptSocketDispatch = &g_connDispatch;
    if (!g_quiet)
        DbgPrint("RESULT server_accepted_conn=%u\n", conn->Id);
    if (g_mode == MODE_SOURCE)
        SrvQueueWork(conn, WORK_START);
    return STATUS_SUCCESS;
}

static IO_COMPLETION_ROUTINE SrvSendComplete;
static NTSTATUS SrvSendComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PSRV_SEND send = (PSRV_SEND)Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    if (NT_SUCCESS(Irp->IoStatus.Status))
        InterlockedAdd64(&g_txBytes, (LONG64)Irp->IoStatus.Information);
    else
        InterlockedIncrement(&g_sendFailures);
    IoFreeMdl(send->Mdl);
    IoFreeIrp(Irp);
    SrvConnRelease(send->Conn);
    ExFreePoolWithTag(send, WT_TAG);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Echo: copy the indicated bytes into our own buffer and send them back; the completion frees everything. */
static VOID SrvEcho(PSRV_CONN Conn, PWSK_DATA_INDICATION DataIndication, SIZE_T Bytes)
{
    PSRV_SEND send;
    send = (PSRV_SEND)ExAllocatePool2(POOL_FLAG_NON_PAGED, FIELD_OFFSET(SRV_SEND, Data) + Bytes, WT_TAG);
    if (send == NULL) {
        InterlockedIncrement(&g_sendFailures);
        return;
    }
    send->Length = WtCopyIndication(DataIndication, send->Data);
    send->Conn = Conn;
    send->Mdl = IoAllocateMdl(send->Data, (ULONG)send->Length, FALSE, FALSE, NULL);
    send->Irp = IoAllocateIrp(1, FALSE);
    if (send->Mdl == NULL || send->Irp == NULL) {
        if (send->Mdl != NULL)
            IoFreeMdl(send->Mdl);
        if (send->Irp != NULL)
            IoFreeIrp(send->Irp);
        ExFreePoolWithTag(send, WT_TAG);
        InterlockedIncrement(&g_sendFailures);
        return;
    }
    MmBuildMdlForNonPagedPool(send->Mdl);
    send->Buffer.Mdl = send->Mdl;
    send->Buffer.Offset = 0;
    send->Buffer.Length = send->Length;
    InterlockedIncrement(&Conn->Refs);
    IoSetCompletionRoutine(send->Irp, SrvSendComplete, send, TRUE, TRUE, TRUE);
    WT_CONN(Conn->Socket)->WskSend(Conn->Socket, &send->Buffer, 0, send->Irp);
}

static NTSTATUS WSKAPI SrvReceiveEvent(PVOID SocketContext, ULONG Flags, PWSK_DATA_INDICATION DataIndication,
                                       SIZE_T BytesIndicated, SIZE_T *BytesAccepted)
{
    PSRV_CONN conn = (PSRV_CONN)SocketContext;
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(BytesAccepted);
    if (DataIndication == NULL) {
        /* the socket is no longer functional: close it */
        InterlockedIncrement(&g_notFunctional);
        InterlockedExchange(&conn->PeerDisconnect, 2);
        SrvQueueWork(conn, WORK_PEER_CLOSED);
        return STATUS_SUCCESS;
    }
    conn->RxBytes += BytesIndicated;
    InterlockedAdd64(&g_rxBytes, (LONG64)BytesIndicated);
    if (g_mode == MODE_ECHO && !conn->Closing && BytesIndicated > 0)
        SrvEcho(conn, DataIndication, BytesIndicated);
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI SrvDisconnectEvent(PVOID SocketContext, ULONG Flags)
{
    PSRV_CONN conn = (PSRV_CONN)SocketContext;
    BOOLEAN abortive = (Flags & WSK_FLAG_ABORTIVE) != 0;
    if (abortive)
        InterlockedIncrement(&g_discAbortive);
    else
        InterlockedIncrement(&g_discGraceful);
    if (!g_quiet)
        DbgPrint("RESULT server_disconnect_conn=%u server_disconnect_flags=0x%X server_disconnect_abortive=%d "
                 "server_disconnect_rx=%I64u\n",
                 conn->Id, Flags & ~(ULONG)WSK_FLAG_AT_DISPATCH_LEVEL, (int)abortive, conn->RxBytes);
    InterlockedExchange(&conn->PeerDisconnect, abortive ? 2 : 1);
    SrvQueueWork(conn, WORK_PEER_CLOSED);
    return STATUS_SUCCESS;
}

/* Source mode, on the worker thread: the scripted sends and the disconnect that follows. */
static VOID SrvRunSource(PSRV_CONN Conn, PWT_SYNC Sync)
{
    WT_BUFFER buffer;
    ULONGLONG offset = 0;
    NTSTATUS status = STATUS_SUCCESS;
    if (g_delayMs)
        WtSleepMs(g_delayMs);
    if (g_bytes > 0) {
        if (!NT_SUCCESS(WtBufferAlloc(&buffer, g_chunk))) {
            DbgPrint("RESULT server_setup_failed=buffer\n");
            return;
        }
        while (offset < g_bytes && Conn->PeerDisconnect != 2 && !g_stopping) {
            SIZE_T n = g_bytes - offset < g_chunk ? (SIZE_T)(g_bytes - offset) : g_chunk;
            WSK_BUF wb = WtWskBuf(&buffer, n);
            WtFillPattern(buffer.Data, n, offset, 0);
            status = WtSyncEnd(Sync, "WskSend", WT_CONN(Conn->Socket)->WskSend(Conn->Socket, &wb, 0,
                                                                               WtSyncBegin(Sync)));
            if (!NT_SUCCESS(status))
                break;
            offset += Sync->Irp->IoStatus.Information;
            InterlockedAdd64(&g_txBytes, (LONG64)Sync->Irp->IoStatus.Information);
            if (g_intervalMs && offset < g_bytes)
                WtSleepMs(g_intervalMs);
        }
        WtBufferFree(&buffer);
        DbgPrint("RESULT server_sent_conn=%u server_sent=%I64u server_send_status=0x%08X\n", Conn->Id, offset,
                 (ULONG)status);
    }
    if (g_after == AFTER_NONE || Conn->PeerDisconnect == 2 || g_stopping)
        return;
    if (g_afterDelayMs)
        WtSleepMs(g_afterDelayMs);
    status = WtSyncEnd(Sync, "WskDisconnect",
                       WT_CONN(Conn->Socket)->WskDisconnect(Conn->Socket, NULL,
                                                            g_after == AFTER_ABORT ? WSK_FLAG_ABORTIVE : 0,
                                                            WtSyncBegin(Sync)));
    Conn->LocalDisconnected = TRUE;
    DbgPrint("RESULT server_local_disconnect_conn=%u server_local_disconnect_abortive=%d "
             "server_local_disconnect=0x%08X\n",
             Conn->Id, g_after == AFTER_ABORT, (ULONG)status);
}

/* Source mode: each connection runs its script on its own thread, so connections proceed concurrently. */
static KSTART_ROUTINE SrvSourceThread;
static VOID SrvSourceThread(PVOID Context)
{
    PSRV_CONN conn = (PSRV_CONN)Context;
    WT_SYNC sync;
    BOOLEAN closePending;
    KIRQL irql;
    if (NT_SUCCESS(WtSyncInit(&sync))) {
        SrvRunSource(conn, &sync);
        WtSyncFree(&sync);
    } else {
        DbgPrint("RESULT server_setup_failed=irp\n");
    }
    KeAcquireSpinLock(&g_lock, &irql);
    conn->SourceActive = FALSE;
    closePending = conn->ClosePending;
    KeReleaseSpinLock(&g_lock, irql);
    if (closePending)
        SrvQueueWork(conn, WORK_PEER_CLOSED);
    SrvConnRelease(conn);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

/* Starts the source script of a connection on its own thread (on the worker if too many are running). */
static VOID SrvStartSource(PSRV_CONN Conn, PWT_SYNC Sync)
{
    KIRQL irql;
    ULONG slot = MAX_SOURCE_THREADS;
    KeAcquireSpinLock(&g_lock, &irql);
    if (g_sourceThreadCount < MAX_SOURCE_THREADS && !Conn->Closing) {
        slot = g_sourceThreadCount++;
        Conn->SourceActive = TRUE;
    }
    KeReleaseSpinLock(&g_lock, irql);
    if (slot == MAX_SOURCE_THREADS) {
        SrvRunSource(Conn, Sync);
        return;
    }
    InterlockedIncrement(&Conn->Refs);
    if (!NT_SUCCESS(WtStartThread(SrvSourceThread, Conn, &g_sourceThreads[slot]))) {
        Conn->SourceActive = FALSE;
        SrvConnRelease(Conn);
        SrvRunSource(Conn, Sync);
    }
}

/* Closes a connection the worker or unload has taken out of g_conns. */
static VOID SrvClose(PSRV_CONN Conn, PWT_SYNC Sync)
{
    NTSTATUS status;
    if (Conn->PeerDisconnect == 1 && !Conn->LocalDisconnected) {
        /* the peer closed gracefully: close our half gracefully as well (outstanding echoes go first) */
        status = WtSyncEnd(Sync, "WskDisconnect",
                           WT_CONN(Conn->Socket)->WskDisconnect(Conn->Socket, NULL, 0, WtSyncBegin(Sync)));
        Conn->LocalDisconnected = TRUE;
        if (!g_quiet)
            DbgPrint("RESULT server_reply_disconnect_conn=%u server_reply_disconnect=0x%08X\n", Conn->Id,
                     (ULONG)status);
    }
    status = WtCloseSocket(Sync, Conn->Socket);
    if (!NT_SUCCESS(status))
        DbgPrint("RESULT server_close_failed=0x%08X\n", (ULONG)status);
    InterlockedDecrement(&g_live);
    SrvConnRelease(Conn);
}

/* Takes Conn out of both lists; FALSE if someone else already did. */
static BOOLEAN SrvDetach(PSRV_CONN Conn)
{
    KIRQL irql;
    BOOLEAN mine = FALSE;
    KeAcquireSpinLock(&g_lock, &irql);
    if (!Conn->Closing) {
        Conn->Closing = TRUE;
        RemoveEntryList(&Conn->Link);
        if (Conn->Queued) {
            RemoveEntryList(&Conn->WorkLink);
            Conn->Queued = FALSE;
        }
        mine = TRUE;
    }
    KeReleaseSpinLock(&g_lock, irql);
    return mine;
}

static KSTART_ROUTINE SrvWorker;
static VOID SrvWorker(PVOID Context)
{
    WT_SYNC sync;
    PVOID objects[2];
    UNREFERENCED_PARAMETER(Context);
    if (!NT_SUCCESS(WtSyncInit(&sync))) {
        DbgPrint("RESULT server_setup_failed=irp\n");
        PsTerminateSystemThread(STATUS_INSUFFICIENT_RESOURCES);
    }
    objects[0] = &g_stop;
    objects[1] = &g_workEvent;
    for (;;) {
        PSRV_CONN conn = NULL;
        ULONG work = 0;
        KIRQL irql;
        KeAcquireSpinLock(&g_lock, &irql);
        if (!IsListEmpty(&g_work)) {
            conn = CONTAINING_RECORD(RemoveHeadList(&g_work), SRV_CONN, WorkLink);
            conn->Queued = FALSE;
            work = conn->Work;
            conn->Work = 0;
            InterlockedIncrement(&conn->Refs);
        }
        KeReleaseSpinLock(&g_lock, irql);
        if (conn == NULL) {
            if (KeWaitForMultipleObjects(2, objects, WaitAny, Executive, KernelMode, FALSE, NULL, NULL) ==
                STATUS_WAIT_0)
                break;
            continue;
        }
        if ((work & WORK_START) && !conn->Closing)
            SrvStartSource(conn, &sync);
        if (work & WORK_PEER_CLOSED) {
            BOOLEAN later;
            KeAcquireSpinLock(&g_lock, &irql);
            later = conn->SourceActive;
            if (later)
                conn->ClosePending = TRUE; /* its source thread queues the close again when it is done */
            KeReleaseSpinLock(&g_lock, irql);
            if (!later && SrvDetach(conn))
                SrvClose(conn, &sync);
        }
        SrvConnRelease(conn);
    }
    WtSyncFree(&sync);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static DRIVER_UNLOAD DriverUnload;
static VOID DriverUnload(PDRIVER_OBJECT DriverObject)
{
    WT_SYNC sync;
    KIRQL irql;
    UNREFERENCED_PARAMETER(DriverObject);

    KeAcquireSpinLock(&g_lock, &irql);
    g_stopping = TRUE;
    KeReleaseSpinLock(&g_lock, irql);
    KeSetEvent(&g_stop, IO_NO_INCREMENT, FALSE);
    WtJoinThread(&g_worker);
    for (ULONG i = 0; i < g_sourceThreadCount; i++)
        WtJoinThread(&g_sourceThreads[i]);

    if (NT_SUCCESS(WtSyncInit(&sync))) {
        if (g_listener != NULL)
            DbgPrint("RESULT server_close_listener=0x%08X\n", (ULONG)WtCloseSocket(&sync, g_listener));
        g_listener = NULL;
        for (;;) {
            PSRV_CONN conn = NULL;
            KeAcquireSpinLock(&g_lock, &irql);
            if (!IsListEmpty(&g_conns))
                conn = CONTAINING_RECORD(g_conns.Flink, SRV_CONN, Link);
            KeReleaseSpinLock(&g_lock, irql);
            if (conn == NULL)
                break;
            if (SrvDetach(conn))
                SrvClose(conn, &sync);
        }
        WtSyncFree(&sync);
    }
    DbgPrint("RESULT server_accepted=%d server_max_live=%d server_rx_bytes=%I64d server_tx_bytes=%I64d "
             "server_total_disconnect_graceful=%d server_total_disconnect_abortive=%d server_send_failures=%d "
             "server_not_functional=%d server_accept_null=%d\n",
             g_accepted, g_maxLive, g_rxBytes, g_txBytes, g_discGraceful, g_discAbortive, g_sendFailures,
             g_notFunctional, g_acceptNull);
    WtReportIrpChecks();
    WtWskClose(&g_wsk);
    DbgPrint("RESULT unloaded=1\n");
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    HANDLE key;
    WCHAR text[32];
    WT_SYNC sync;
    SOCKADDR_STORAGE local;
    WSK_EVENT_CALLBACK_CONTROL control;
    NTSTATUS status;
    ADDRESS_FAMILY family;

    WtOpenParameters(RegistryPath, &key);
    g_port = WtParamDword(key, L"Port", 5000);
    g_family = WtParamDword(key, L"Family", 4);
    WtParamString(key, L"Mode", text, ARRAYSIZE(text), L"echo");
    g_mode = WtIs(text, "source") ? MODE_SOURCE : MODE_ECHO;
    WtParamString(key, L"After", text, ARRAYSIZE(text), L"none");
    g_after = WtIs(text, "close") ? AFTER_CLOSE : WtIs(text, "abort") ? AFTER_ABORT : AFTER_NONE;
    g_bytes = WtParamDword(key, L"Bytes", 0);
    g_chunk = WtParamDword(key, L"Chunk", 16384);
    if (g_chunk == 0)
        g_chunk = 16384;
    g_intervalMs = WtParamDword(key, L"IntervalMs", 0);
    g_delayMs = WtParamDword(key, L"DelayMs", 0);
    g_afterDelayMs = WtParamDword(key, L"AfterDelayMs", 0);
    g_quiet = WtParamDword(key, L"Quiet", 0);
    WtCloseParameters(key);
    family = g_family == 6 ? AF_INET6 : AF_INET;
    g_WtIrpLogAll = FALSE;

    KeInitializeSpinLock(&g_lock);
    InitializeListHead(&g_conns);
    InitializeListHead(&g_work);
    KeInitializeEvent(&g_workEvent, SynchronizationEvent, FALSE);
    KeInitializeEvent(&g_stop, NotificationEvent, FALSE);

    status = WtWskOpen(&g_wsk, WSK_INFINITE_WAIT);
    if (!NT_SUCCESS(status)) {
        WtWskClose(&g_wsk);
        return status;
    }
    status = WtSyncInit(&sync);
    if (!NT_SUCCESS(status)) {
        WtWskClose(&g_wsk);
        return status;
    }
    status = WtCreateSocket(&g_wsk, &sync, family, WSK_FLAG_LISTEN_SOCKET, NULL, &g_listenDispatch, &g_listener);
    if (NT_SUCCESS(status)) {
        WtMakeAddress(&local, family, NULL, (USHORT)g_port);
        status = WtSyncEnd(&sync, "WskBind",
                           WT_LISTEN(g_listener)->WskBind(g_listener, (PSOCKADDR)&local, 0, WtSyncBegin(&sync)));
        DbgPrint("RESULT server_bind=0x%08X\n", (ULONG)status);
    }
    if (NT_SUCCESS(status)) {
        /* accept on the listener; receive and disconnect are inherited by every accepted socket */
        status = WtSetEventMask(g_listener, WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT, NULL,
                                &control);
        DbgPrint("RESULT server_enable_events=0x%08X\n", (ULONG)status);
    }
    if (NT_SUCCESS(status))
        status = WtStartThread(SrvWorker, NULL, &g_worker);
    if (!NT_SUCCESS(status)) {
        if (g_listener != NULL)
            WtCloseSocket(&sync, g_listener);
        g_listener = NULL;
        WtSyncFree(&sync);
        WtWskClose(&g_wsk);
        DbgPrint("RESULT server_listen=0x%08X\n", (ULONG)status);
        return status;
    }
    WtSyncFree(&sync);
    DriverObject->DriverUnload = DriverUnload;
    DbgPrint("RESULT server_listen=0x%08X server_port=%u server_family=%u\n", (ULONG)status, g_port, g_family);
    return STATUS_SUCCESS;
}
