/*
 * drv_wsk_register.c - registration rules (wsk-api.md §1.3): WskRegister, WskQueryProviderCharacteristics,
 * WskCaptureProviderNPI with WSK_NO_WAIT / a timeout / WSK_INFINITE_WAIT, an unsupported major version
 * (STATUS_NOINTERFACE), WskDeregister blocking until the capture is released and the socket closed, and
 * a capture while WskDeregister is blocked (STATUS_DEVICE_NOT_READY); with Parameter AfterReturn=1 also a
 * capture after WskDeregister returned. Everything runs on a system thread started by
 * DriverEntry; the driver is loaded after the node's stack is up.
 */
#include "drv_wsk_common.h"

static PETHREAD g_thread;
static PETHREAD g_deregisterThread;
static WSK_REGISTRATION g_registration;
static WSK_REGISTRATION g_registrationV2;
static volatile LONG g_deregisterReturned;
static ULONGLONG g_deregisterReturnedUs;
static ULONG g_afterReturn;

static const WSK_CLIENT_DISPATCH g_dispatchV1 = {MAKE_WSK_VERSION(1, 0), 0, NULL};
static const WSK_CLIENT_DISPATCH g_dispatchV2 = {MAKE_WSK_VERSION(2, 0), 0, NULL};

static KSTART_ROUTINE DeregisterThread;
static VOID DeregisterThread(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    WskDeregister(&g_registration);
    g_deregisterReturnedUs = WtNowUs();
    InterlockedExchange(&g_deregisterReturned, 1);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static KSTART_ROUTINE TestThread;
static VOID TestThread(PVOID Context)
{
    WSK_CLIENT_NPI client;
    WSK_PROVIDER_NPI npi, npi2;
    WSK_PROVIDER_CHARACTERISTICS characteristics;
    WT_SYNC sync;
    PWSK_SOCKET socket = NULL;
    NTSTATUS status;
    ULONGLONG closedUs, releasedUs;
    UNREFERENCED_PARAMETER(Context);

    if (!NT_SUCCESS(WtSyncInit(&sync))) {
        DbgPrint("RESULT setup_failed=1\n");
        PsTerminateSystemThread(STATUS_INSUFFICIENT_RESOURCES);
    }

    /* 1. WskRegister with version 1.0. */
    client.ClientContext = NULL;
    client.Dispatch = &g_dispatchV1;
    status = WskRegister(&client, &g_registration);
    DbgPrint("RESULT register=0x%08X\n", (ULONG)status);
    if (!NT_SUCCESS(status))
        goto out;

    /* 2. The provider's version range (works any time after WskRegister, §1.3). */
    RtlZeroMemory(&characteristics, sizeof(characteristics));
    status = WskQueryProviderCharacteristics(&g_registration, &characteristics);
    DbgPrint("RESULT query=0x%08X highest=0x%04X lowest=0x%04X\n", (ULONG)status, characteristics.HighestVersion,
             characteristics.LowestVersion);

    /* 3. WSK_NO_WAIT capture: the stack is up, so it succeeds and fills the NPI. */
    RtlZeroMemory(&npi, sizeof(npi));
    status = WskCaptureProviderNPI(&g_registration, WSK_NO_WAIT, &npi);
    DbgPrint("RESULT capture_nowait=0x%08X npi_client_set=%d npi_dispatch_set=%d\n", (ULONG)status,
             npi.Client != NULL, npi.Dispatch != NULL);
    if (NT_SUCCESS(status)) {
        DbgPrint("RESULT provider_version=0x%04X provider_major=%u\n", npi.Dispatch->Version,
                 (ULONG)WSK_MAJOR_VERSION(npi.Dispatch->Version));
        WskReleaseProviderNPI(&g_registration);
    }

    /* 4. Repeated captures: with a timeout and with WSK_INFINITE_WAIT, both held at once, each released. */
    status = WskCaptureProviderNPI(&g_registration, 500, &npi);
    DbgPrint("RESULT capture_timeout=0x%08X\n", (ULONG)status);
    if (NT_SUCCESS(status)) {
        NTSTATUS s2 = WskCaptureProviderNPI(&g_registration, WSK_INFINITE_WAIT, &npi2);
        DbgPrint("RESULT capture_infinite=0x%08X\n", (ULONG)s2);
        if (NT_SUCCESS(s2))
            WskReleaseProviderNPI(&g_registration);
        WskReleaseProviderNPI(&g_registration);
    }

    /* 5. An unsupported major version: registration itself is accepted, capture fails with
     * STATUS_NOINTERFACE, and the provider's range can still be queried (§1.1). */
    client.Dispatch = &g_dispatchV2;
    status = WskRegister(&client, &g_registrationV2);
    DbgPrint("RESULT register_v2=0x%08X\n", (ULONG)status);
    if (NT_SUCCESS(status)) {
        NTSTATUS s2 = WskCaptureProviderNPI(&g_registrationV2, WSK_NO_WAIT, &npi2);
        DbgPrint("RESULT capture_v2=0x%08X\n", (ULONG)s2);
        if (NT_SUCCESS(s2))
            WskReleaseProviderNPI(&g_registrationV2);
        RtlZeroMemory(&characteristics, sizeof(characteristics));
        s2 = WskQueryProviderCharacteristics(&g_registrationV2, &characteristics);
        DbgPrint("RESULT query_v2=0x%08X query_v2_highest=0x%04X\n", (ULONG)s2, characteristics.HighestVersion);
        WskDeregister(&g_registrationV2);
        DbgPrint("RESULT deregister_v2=done\n");
    }

    /* 6. WskDeregister blocks until every capture is released and every socket closed (§1.3), and a
     * capture attempted after WskDeregister was called fails with STATUS_DEVICE_NOT_READY. */
    status = WskCaptureProviderNPI(&g_registration, WSK_NO_WAIT, &npi);
    DbgPrint("RESULT capture_held=0x%08X\n", (ULONG)status);
    if (!NT_SUCCESS(status))
        goto out;
    status = WtSyncEnd(&sync, "WskSocket",
                       npi.Dispatch->WskSocket(npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP,
                                               WSK_FLAG_CONNECTION_SOCKET, NULL, NULL, NULL, NULL, NULL,
                                               WtSyncBegin(&sync)));
    if (NT_SUCCESS(status))
        socket = (PWSK_SOCKET)sync.Irp->IoStatus.Information;
    DbgPrint("RESULT socket_held=0x%08X\n", (ULONG)status);

    status = WtStartThread(DeregisterThread, NULL, &g_deregisterThread);
    if (!NT_SUCCESS(status)) {
        DbgPrint("RESULT setup_failed=2\n");
        goto out;
    }
    WtSleepMs(20);
    DbgPrint("RESULT deregister_returned_while_held=%d\n", (int)g_deregisterReturned);

    status = WskCaptureProviderNPI(&g_registration, WSK_NO_WAIT, &npi2);
    DbgPrint("RESULT capture_during_deregister=0x%08X\n", (ULONG)status);
    if (NT_SUCCESS(status))
        WskReleaseProviderNPI(&g_registration);

    if (socket != NULL) {
        status = WtCloseSocket(&sync, socket);
        DbgPrint("RESULT close_held=0x%08X\n", (ULONG)status);
    }
    closedUs = WtNowUs();
    WtSleepMs(20);
    DbgPrint("RESULT deregister_returned_after_close=%d\n", (int)g_deregisterReturned);

    releasedUs = WtNowUs();
    WskReleaseProviderNPI(&g_registration);
    WtJoinThread(&g_deregisterThread);
    DbgPrint("RESULT deregister_waited_for_close=%d deregister_waited_for_release=%d\n",
             g_deregisterReturnedUs >= closedUs, g_deregisterReturnedUs >= releasedUs);

    /* 7. After WskDeregister returned (only with AfterReturn=1: whether a call on a registration whose
     * WskDeregister has returned is legal at all is not clear from the documentation, see the test). */
    if (g_afterReturn) {
        status = WskCaptureProviderNPI(&g_registration, WSK_NO_WAIT, &npi2);
        DbgPrint("RESULT capture_after_deregister=0x%08X\n", (ULONG)status);
        if (NT_SUCCESS(status))
            WskReleaseProviderNPI(&g_registration);
    }

out:
    WtSyncFree(&sync);
    WtReportIrpChecks();
    DbgPrint("RESULT done=1\n");
    PsTerminateSystemThread(STATUS_SUCCESS);
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
    g_afterReturn = WtParamDword(key, L"AfterReturn", 0);
    WtCloseParameters(key);
    DriverObject->DriverUnload = DriverUnload;
    return WtStartThread(TestThread, NULL, &g_thread);
}
