/*
 * drv_wsk_echo.c - an echo client for byte-exactness tests against drv_wsk_server (Mode=echo): one system
 * thread, IRPs with KEVENT completions only. It keeps one WskSend and one WskReceive outstanding at a time
 * (at most Window bytes sent but not yet echoed), checks every echoed byte against the pattern, then
 * disconnects gracefully and closes. Parameters: Server, Port, Bytes (100000), Chunk (16384), Window (65536).
 */
#include "drv_wsk_common.h"

static PETHREAD g_thread;
static WT_WSK g_wsk;
static WCHAR g_server[64];
static ULONG g_port, g_bytes, g_chunk, g_window;

static VOID Run(PWT_SYNC Sync)
{
    SOCKADDR_STORAGE remote;
    PWSK_SOCKET socket = NULL;
    WT_SYNC send, receive;
    WT_BUFFER sendBuffer, receiveBuffer;
    WSK_BUF sendWskBuf, receiveWskBuf;
    ULONGLONG sent = 0, received = 0, start, firstBadOffset = (ULONGLONG)-1;
    SIZE_T bad = 0, sendLength = 0;
    BOOLEAN sending = FALSE, receiving = FALSE, stalled = FALSE;
    NTSTATUS status, failed = STATUS_SUCCESS;
    const char *failedCall = "none";

    RtlZeroMemory(&sendBuffer, sizeof(sendBuffer));
    RtlZeroMemory(&receiveBuffer, sizeof(receiveBuffer));
    if (!NT_SUCCESS(WtSyncInit(&send)) || !NT_SUCCESS(WtSyncInit(&receive)) ||
        !NT_SUCCESS(WtBufferAlloc(&sendBuffer, g_chunk)) || !NT_SUCCESS(WtBufferAlloc(&receiveBuffer, g_chunk))) {
        DbgPrint("RESULT setup_failed=1\n");
        goto free;
    }
    status = WtMakeAddress(&remote, AF_INET, g_server, (USHORT)g_port);
    if (NT_SUCCESS(status))
        status = WtCreateSocket(&g_wsk, Sync, remote.ss_family, WSK_FLAG_CONNECTION_SOCKET, NULL, NULL, &socket);
    if (!NT_SUCCESS(status)) {
        DbgPrint("RESULT echo_socket=0x%08X\n", (ULONG)status);
        goto free;
    }
    status = WtBindWildcard(Sync, socket, remote.ss_family, 0);
    if (NT_SUCCESS(status))
        status = WtConnect(Sync, socket, &remote);
    DbgPrint("RESULT echo_connect=0x%08X\n", (ULONG)status);
    if (!NT_SUCCESS(status))
        goto close;

    start = WtNowUs();
    while (received < g_bytes && NT_SUCCESS(failed)) {
        PVOID objects[2];
        ULONG count = 0;
        LARGE_INTEGER timeout;

        if (!sending && sent < g_bytes && sent - received < g_window) {
            sendLength = g_bytes - sent < g_chunk ? (SIZE_T)(g_bytes - sent) : g_chunk;
            WtFillPattern(sendBuffer.Data, sendLength, sent, 0);
            sendWskBuf = WtWskBuf(&sendBuffer, sendLength);
            WtSyncIssued(&send, "WskSend", WT_CONN(socket)->WskSend(socket, &sendWskBuf, 0, WtSyncBegin(&send)));
            sending = TRUE;
        }
        if (!receiving) {
            receiveWskBuf = WtWskBuf(&receiveBuffer, g_chunk);
            WtSyncIssued(&receive, "WskReceive",
                         WT_CONN(socket)->WskReceive(socket, &receiveWskBuf, 0, WtSyncBegin(&receive)));
            receiving = TRUE;
        }
        if (sending)
            objects[count++] = &send.Done;
        objects[count++] = &receive.Done;
        timeout.QuadPart = -120LL * 1000 * 1000 * 10; /* no progress for 120 s: give up */
        if (KeWaitForMultipleObjects(count, objects, WaitAny, Executive, KernelMode, FALSE, &timeout, NULL) ==
            STATUS_TIMEOUT) {
            stalled = TRUE;
            break;
        }
        if (sending && KeReadStateEvent(&send.Done)) {
            sending = FALSE;
            status = WtSyncWaitMs(&send, 1000);
            if (!NT_SUCCESS(status)) {
                failed = status;
                failedCall = "WskSend";
            } else {
                if (send.Irp->IoStatus.Information != sendLength)
                    DbgPrint("RESULT echo_send_information=%Iu expected=%Iu\n", send.Irp->IoStatus.Information,
                             sendLength);
                sent += send.Irp->IoStatus.Information;
            }
        }
        if (receiving && KeReadStateEvent(&receive.Done)) {
            SIZE_T n;
            receiving = FALSE;
            status = WtSyncWaitMs(&receive, 1000);
            n = receive.Irp->IoStatus.Information;
            if (!NT_SUCCESS(status)) {
                failed = status;
                failedCall = "WskReceive";
            } else if (n == 0) {
                failed = STATUS_CONNECTION_DISCONNECTED;
                failedCall = "WskReceive(0 bytes before the end)";
            } else {
                SIZE_T b = WtCheckPattern(receiveBuffer.Data, n, received, 0);
                if (b != 0 && firstBadOffset == (ULONGLONG)-1) {
                    SIZE_T i;
                    for (i = 0; i < n; i++)
                        if (receiveBuffer.Data[i] != WtPattern(received + i, 0))
                            break;
                    firstBadOffset = received + i;
                }
                bad += b;
                received += n;
            }
        }
    }
    DbgPrint("RESULT echo_sent=%I64u echo_received=%I64u echo_bad=%Iu echo_first_bad=%I64d echo_verified=%d "
             "echo_elapsed_us=%I64u echo_stalled=%d echo_failed_call=%s echo_failed=0x%08X\n",
             sent, received, bad, (LONGLONG)firstBadOffset, received == g_bytes && bad == 0, WtNowUs() - start,
             (int)stalled, failedCall, (ULONG)failed);

    if (!stalled && NT_SUCCESS(failed)) {
        /* graceful close: our FIN, then wait for the peer's (a receive completing with 0 bytes), then close */
        status = WtSyncEnd(Sync, "WskDisconnect", WT_CONN(socket)->WskDisconnect(socket, NULL, 0, WtSyncBegin(Sync)));
        DbgPrint("RESULT echo_disconnect=0x%08X\n", (ULONG)status);
        if (NT_SUCCESS(status)) {
            receiveWskBuf = WtWskBuf(&receiveBuffer, g_chunk);
            WtSyncIssued(&receive, "WskReceive",
                         WT_CONN(socket)->WskReceive(socket, &receiveWskBuf, 0, WtSyncBegin(&receive)));
            status = WtSyncWaitMs(&receive, 20000);
            DbgPrint("RESULT echo_peer_closed=%d echo_final_receive=0x%08X\n",
                     NT_SUCCESS(status) && receive.Irp->IoStatus.Information == 0, (ULONG)status);
        }
    }
close:
    DbgPrint("RESULT echo_close=0x%08X\n", (ULONG)WtCloseSocket(Sync, socket));
    /* the close completed every IRP still pending */
    if (sending)
        WtSyncWaitMs(&send, 10000);
    if (receiving)
        WtSyncWaitMs(&receive, 10000);
free:
    WtBufferFree(&sendBuffer);
    WtBufferFree(&receiveBuffer);
    WtSyncFree(&send);
    WtSyncFree(&receive);
}

static const WT_CASE g_run[] = {{"run", Run}, {NULL, NULL}};

static KSTART_ROUTINE TestThread;
static VOID TestThread(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    WtRunCase(&g_wsk, NULL, g_run, NULL);
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
    WtOpenParameters(RegistryPath, &key);
    WtParamString(key, L"Server", g_server, ARRAYSIZE(g_server), L"10.1.1.2");
    g_port = WtParamDword(key, L"Port", 5000);
    g_bytes = WtParamDword(key, L"Bytes", 100000);
    g_chunk = WtParamDword(key, L"Chunk", 16384);
    g_window = WtParamDword(key, L"Window", 65536);
    WtCloseParameters(key);
    if (g_chunk == 0)
        g_chunk = 16384;
    if (g_window < g_chunk)
        g_window = g_chunk;
    g_WtIrpLogAll = FALSE; /* thousands of calls: log only contract violations */
    DriverObject->DriverUnload = DriverUnload;
    return WtStartThread(TestThread, NULL, &g_thread);
}
