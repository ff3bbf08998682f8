/*
 * seed_demo.c - the three samples of the seed page (shared/seed/wsk-event-callbacks.fr.txt, "Activation et
 * désactivation des fonctions de rappel d'événements"), linked unchanged from the page, doing what the
 * page says, against echo_server.c. Parameters: Server (default 10.1.1.2), Port (default 7).
 *
 * The page's rule "static callbacks must be set before any socket is created" holds per WSK client, so
 * the demo uses two registrations (two WSK client objects):
 *   A  SetStaticEventCallbacks (WSK_EVENT_RECEIVE_FROM | WSK_EVENT_RECEIVE) first; then two connection
 *      sockets send a greeting each, and the echo comes back through WskReceiveEvent although neither
 *      socket ever used SO_WSK_EVENT_CALLBACK. (Datagram sockets, the other half of that mask, are not
 *      shown.)
 *   B  two connection sockets C and D: EnableDisconnectAndRecieveCallbacks on both (the echo arrives as
 *      receive events), then DisableDisconnectCallback on C: its completion routine DisableDisconnectComplete
 *      runs with STATUS_SUCCESS. Both sockets then disconnect; the server answers with its own disconnect:
 *      D gets WskDisconnectEvent, C does not (its pending WskReceive completing with 0 bytes shows that the
 *      server did disconnect).
 * Output: "seed_demo: ..." lines, a summary, and "seed_demo: behaves as the seed describes: yes|no".
 */
#include "seed_app.h"

#define DEMO_TAG 'omeD'

typedef struct _DEMO_SOCKET {
    const char *Name;
    PWSK_SOCKET Socket;
    volatile LONG ReceiveEvents;
    volatile LONG BytesReceived;
    volatile LONG DisconnectEvents;
    KEVENT Echoed;
    KEVENT Disconnected;
} DEMO_SOCKET, *PDEMO_SOCKET;

static const WSK_CLIENT_DISPATCH g_clientDispatch = {MAKE_WSK_VERSION(1, 0), 0, NULL};
static WSK_REGISTRATION g_registrationA, g_registrationB;
static WSK_PROVIDER_NPI g_npiA, g_npiB;
static PETHREAD g_thread;
static WCHAR g_server[64] = L"10.1.1.2";
static ULONG g_port = 7;
static DEMO_SOCKET g_static[2], g_c, g_d;
static KEVENT g_disableDone;
static NTSTATUS g_disableCompletion = STATUS_PENDING;

static const char g_greeting[] = "hello from the seed demo";

/* ---- what the page leaves to the application ('...' in DisableDisconnectComplete) ---- */

void SeedAppNextOperation(PWSK_SOCKET Socket)
{
    g_disableCompletion = STATUS_SUCCESS;
    DbgPrint("seed_demo: DisableDisconnectComplete ran with STATUS_SUCCESS on socket %s\n",
             Socket == g_c.Socket ? "C" : "?");
    KeSetEvent(&g_disableDone, IO_NO_INCREMENT, FALSE);
}

void SeedAppHandleError(PIRP Irp)
{
    g_disableCompletion = Irp->IoStatus.Status;
    DbgPrint("seed_demo: DisableDisconnectComplete ran with 0x%08X\n", Irp->IoStatus.Status);
    KeSetEvent(&g_disableDone, IO_NO_INCREMENT, FALSE);
}

/* ---- event callbacks ---- */

static NTSTATUS WSKAPI DemoReceiveEvent(PVOID SocketContext, ULONG Flags, PWSK_DATA_INDICATION DataIndication,
                                        SIZE_T BytesIndicated, SIZE_T *BytesAccepted)
{
    PDEMO_SOCKET s = (PDEMO_SOCKET)SocketContext;
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(DataIndication);
    UNREFERENCED_PARAMETER(BytesAccepted);
    InterlockedIncrement(&s->ReceiveEvents);
    if (InterlockedAdd(&s->BytesReceived, (LONG)BytesIndicated) >= (LONG)(sizeof(g_greeting) - 1)) {
        DbgPrint("seed_demo: socket %s: WskReceiveEvent, %d bytes echoed\n", s->Name, s->BytesReceived);
        KeSetEvent(&s->Echoed, IO_NO_INCREMENT, FALSE);
    }
    return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI DemoDisconnectEvent(PVOID SocketContext, ULONG Flags)
{
    PDEMO_SOCKET s = (PDEMO_SOCKET)SocketContext;
    InterlockedIncrement(&s->DisconnectEvents);
    DbgPrint("seed_demo: socket %s: WskDisconnectEvent (%s)\n", s->Name,
             (Flags & WSK_FLAG_ABORTIVE) ? "abortive" : "graceful");
    KeSetEvent(&s->Disconnected, IO_NO_INCREMENT, FALSE);
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_CONNECTION_DISPATCH g_connectionDispatch = {DemoReceiveEvent, DemoDisconnectEvent, NULL};

/* ---- the synchronous pattern ---- */

static IO_COMPLETION_ROUTINE SyncComplete;
static NTSTATUS SyncComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static PIRP Prepare(PIRP Irp, PKEVENT Event)
{
    IoReuseIrp(Irp, STATUS_UNSUCCESSFUL);
    KeClearEvent(Event);
    IoSetCompletionRoutine(Irp, SyncComplete, Event, TRUE, TRUE, TRUE);
    return Irp;
}

static NTSTATUS Wait(NTSTATUS Status, PIRP Irp, PKEVENT Event)
{
    if (Status == STATUS_PENDING) {
        KeWaitForSingleObject(Event, Executive, KernelMode, FALSE, NULL);
        Status = Irp->IoStatus.Status;
    }
    return Status;
}

static VOID WaitMs(PKEVENT Event, ULONG Milliseconds)
{
    LARGE_INTEGER timeout;
    timeout.QuadPart = -(LONGLONG)Milliseconds * 10000;
    KeWaitForSingleObject(Event, Executive, KernelMode, FALSE, &timeout);
}

/* Creates a connection socket with the demo's dispatch table, binds it and connects it to the server. */
static NTSTATUS Connect(PWSK_PROVIDER_NPI Npi, PDEMO_SOCKET s, const char *Name, PIRP Irp, PKEVENT Event)
{
    SOCKADDR_IN local = {AF_INET, 0, {{{0}}}, {0}};
    SOCKADDR_IN remote = {AF_INET, 0, {{{0}}}, {0}};
    PCWSTR end;
    NTSTATUS status;

    s->Name = Name;
    KeInitializeEvent(&s->Echoed, NotificationEvent, FALSE);
    KeInitializeEvent(&s->Disconnected, NotificationEvent, FALSE);
    remote.sin_port = RtlUshortByteSwap((USHORT)g_port);
    status = RtlIpv4StringToAddressW(g_server, TRUE, &end, &remote.sin_addr);
    if (!NT_SUCCESS(status))
        return status;
    status = Wait(Npi->Dispatch->WskSocket(Npi->Client, AF_INET, SOCK_STREAM, IPPROTO_TCP,
                                           WSK_FLAG_CONNECTION_SOCKET, s, &g_connectionDispatch, NULL, NULL, NULL,
                                           Prepare(Irp, Event)),
                  Irp, Event);
    if (!NT_SUCCESS(status))
        return status;
    s->Socket = (PWSK_SOCKET)Irp->IoStatus.Information;
    status = Wait(((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Socket->Dispatch)
                      ->WskBind(s->Socket, (PSOCKADDR)&local, 0, Prepare(Irp, Event)),
                  Irp, Event);
    if (NT_SUCCESS(status))
        status = Wait(((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Socket->Dispatch)
                          ->WskConnect(s->Socket, (PSOCKADDR)&remote, 0, Prepare(Irp, Event)),
                      Irp, Event);
    DbgPrint("seed_demo: socket %s connected: 0x%08X\n", Name, status);
    return status;
}

static NTSTATUS SendGreeting(PDEMO_SOCKET s, PIRP Irp, PKEVENT Event)
{
    WSK_BUF buffer;
    NTSTATUS status;
    PMDL mdl = IoAllocateMdl((PVOID)g_greeting, sizeof(g_greeting) - 1, FALSE, FALSE, NULL);
    if (mdl == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    MmBuildMdlForNonPagedPool(mdl);
    buffer.Mdl = mdl;
    buffer.Offset = 0;
    buffer.Length = sizeof(g_greeting) - 1;
    status = Wait(((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Socket->Dispatch)
                      ->WskSend(s->Socket, &buffer, 0, Prepare(Irp, Event)),
                  Irp, Event);
    IoFreeMdl(mdl);
    return status;
}

static VOID Close(PDEMO_SOCKET s, PIRP Irp, PKEVENT Event)
{
    if (s->Socket != NULL)
        Wait(((PWSK_PROVIDER_CONNECTION_DISPATCH)s->Socket->Dispatch)->WskCloseSocket(s->Socket, Prepare(Irp, Event)),
             Irp, Event);
    s->Socket = NULL;
}

static KSTART_ROUTINE DemoThread;
static VOID DemoThread(PVOID Context)
{
    WSK_APP_BINDING_CONTEXT binding;
    KEVENT event, receiveEvent;
    PIRP irp = IoAllocateIrp(1, FALSE);
    PIRP receiveIrp = IoAllocateIrp(1, FALSE);
    PUCHAR receiveData = (PUCHAR)ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, DEMO_TAG);
    PMDL receiveMdl = receiveData != NULL ? IoAllocateMdl(receiveData, 64, FALSE, FALSE, NULL) : NULL;
    NTSTATUS staticStatus = STATUS_UNSUCCESSFUL, enableStatus = STATUS_UNSUCCESSFUL, receiveStatus = STATUS_UNSUCCESSFUL;
    ULONG staticWithEvents = 0, i;
    ULONG_PTR receiveBytes = (ULONG_PTR)-1;
    BOOLEAN ok, receiving = FALSE;
    UNREFERENCED_PARAMETER(Context);

    KeInitializeEvent(&event, NotificationEvent, FALSE);
    KeInitializeEvent(&receiveEvent, NotificationEvent, FALSE);
    KeInitializeEvent(&g_disableDone, NotificationEvent, FALSE);
    if (irp == NULL || receiveIrp == NULL || receiveMdl == NULL) {
        DbgPrint("seed_demo: out of memory\n");
        goto out;
    }
    MmBuildMdlForNonPagedPool(receiveMdl);

    /* ---- registration A: sample 3, static callbacks, then sockets ---- */
    binding.WskClient = g_npiA.Client;
    binding.WskProviderDispatch = g_npiA.Dispatch;
    staticStatus = SetStaticEventCallbacks(&binding);
    DbgPrint("seed_demo: SetStaticEventCallbacks: 0x%08X\n", staticStatus);
    for (i = 0; i < 2; i++) {
        if (NT_SUCCESS(Connect(&g_npiA, &g_static[i], i == 0 ? "static-1" : "static-2", irp, &event)) &&
            NT_SUCCESS(SendGreeting(&g_static[i], irp, &event))) {
            WaitMs(&g_static[i].Echoed, 5000);
            if (g_static[i].ReceiveEvents > 0)
                staticWithEvents++;
        }
        Close(&g_static[i], irp, &event);
    }

    /* ---- registration B: sample 1 on C and D, sample 2 on C ---- */
    if (NT_SUCCESS(Connect(&g_npiB, &g_c, "C", irp, &event)) && NT_SUCCESS(Connect(&g_npiB, &g_d, "D", irp, &event))) {
        WSK_BUF receiveBuffer;
        enableStatus = EnableDisconnectAndRecieveCallbacks(g_c.Socket);
        DbgPrint("seed_demo: EnableDisconnectAndRecieveCallbacks(C): 0x%08X\n", enableStatus);
        DbgPrint("seed_demo: EnableDisconnectAndRecieveCallbacks(D): 0x%08X\n",
                 EnableDisconnectAndRecieveCallbacks(g_d.Socket));
        SendGreeting(&g_c, irp, &event);
        SendGreeting(&g_d, irp, &event);
        WaitMs(&g_c.Echoed, 5000);
        WaitMs(&g_d.Echoed, 5000);

        DbgPrint("seed_demo: DisableDisconnectCallback(C): 0x%08X\n", DisableDisconnectCallback(g_c.Socket));
        WaitMs(&g_disableDone, 5000);

        /* C waits for the end of the stream with a receive (it takes precedence over WskReceiveEvent) */
        receiveBuffer.Mdl = receiveMdl;
        receiveBuffer.Offset = 0;
        receiveBuffer.Length = 64;
        IoSetCompletionRoutine(receiveIrp, SyncComplete, &receiveEvent, TRUE, TRUE, TRUE);
        ((PWSK_PROVIDER_CONNECTION_DISPATCH)g_c.Socket->Dispatch)->WskReceive(g_c.Socket, &receiveBuffer, 0, receiveIrp);
        receiving = TRUE;
        /* both disconnect gracefully; the echo server answers with its own disconnect */
        Wait(((PWSK_PROVIDER_CONNECTION_DISPATCH)g_c.Socket->Dispatch)->WskDisconnect(g_c.Socket, NULL, 0, Prepare(irp, &event)),
             irp, &event);
        Wait(((PWSK_PROVIDER_CONNECTION_DISPATCH)g_d.Socket->Dispatch)->WskDisconnect(g_d.Socket, NULL, 0, Prepare(irp, &event)),
             irp, &event);
        WaitMs(&receiveEvent, 5000);
        if (KeReadStateEvent(&receiveEvent)) {
            receiveStatus = receiveIrp->IoStatus.Status;
            receiveBytes = receiveIrp->IoStatus.Information;
            DbgPrint("seed_demo: socket C: pending WskReceive completed with 0x%08X, %Iu bytes (the server disconnected)\n",
                     receiveStatus, receiveBytes);
        }
        WaitMs(&g_d.Disconnected, 5000);
        WaitMs(&g_c.Disconnected, 200);
    }
    Close(&g_c, irp, &event);
    Close(&g_d, irp, &event);
    if (receiving && !KeReadStateEvent(&receiveEvent))
        KeWaitForSingleObject(&receiveEvent, Executive, KernelMode, FALSE, NULL); /* cancelled by the close */

    ok = NT_SUCCESS(staticStatus) && staticWithEvents == 2 && NT_SUCCESS(enableStatus) && g_c.ReceiveEvents > 0 &&
         g_d.ReceiveEvents > 0 && g_disableCompletion == STATUS_SUCCESS && receiveStatus == STATUS_SUCCESS &&
         receiveBytes == 0 && g_c.DisconnectEvents == 0 && g_d.DisconnectEvents == 1;
    DbgPrint("seed_demo: summary static=0x%08X static_sockets_with_receive_events=%u enable=0x%08X "
             "receive_events_c=%d receive_events_d=%d disable_completion=0x%08X disconnect_events_c=%d "
             "disconnect_events_d=%d\n",
             staticStatus, staticWithEvents, enableStatus, g_c.ReceiveEvents, g_d.ReceiveEvents, g_disableCompletion,
             g_c.DisconnectEvents, g_d.DisconnectEvents);
    DbgPrint("seed_demo: behaves as the seed describes: %s\n", ok ? "yes" : "no");
out:
    if (receiveMdl != NULL)
        IoFreeMdl(receiveMdl);
    if (receiveData != NULL)
        ExFreePoolWithTag(receiveData, DEMO_TAG);
    if (receiveIrp != NULL)
        IoFreeIrp(receiveIrp);
    if (irp != NULL)
        IoFreeIrp(irp);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static DRIVER_UNLOAD DemoUnload;
static VOID DemoUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KeWaitForSingleObject(g_thread, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(g_thread);
    WskReleaseProviderNPI(&g_registrationB);
    WskDeregister(&g_registrationB);
    WskReleaseProviderNPI(&g_registrationA);
    WskDeregister(&g_registrationA);
}

static NTSTATUS Open(PWSK_REGISTRATION Registration, PWSK_PROVIDER_NPI Npi)
{
    WSK_CLIENT_NPI clientNpi = {NULL, &g_clientDispatch};
    NTSTATUS status = WskRegister(&clientNpi, Registration);
    if (!NT_SUCCESS(status))
        return status;
    status = WskCaptureProviderNPI(Registration, WSK_INFINITE_WAIT, Npi);
    if (!NT_SUCCESS(status))
        WskDeregister(Registration);
    return status;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    RTL_QUERY_REGISTRY_TABLE table[3];
    WCHAR pathBuffer[256];
    UNICODE_STRING path, server;
    HANDLE thread;
    NTSTATUS status;

    RtlInitEmptyUnicodeString(&path, pathBuffer, sizeof(pathBuffer) - sizeof(WCHAR));
    RtlCopyUnicodeString(&path, RegistryPath);
    RtlAppendUnicodeToString(&path, L"\\Parameters");
    pathBuffer[path.Length / sizeof(WCHAR)] = 0;
    RtlInitEmptyUnicodeString(&server, g_server, sizeof(g_server) - sizeof(WCHAR));
    RtlZeroMemory(table, sizeof(table));
    table[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    table[0].Name = L"Server";
    table[0].EntryContext = &server;
    table[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    table[1].Name = L"Port";
    table[1].EntryContext = &g_port;
    if (NT_SUCCESS(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL, pathBuffer, table, NULL,
                                          NULL)) &&
        server.Length > 0)
        g_server[server.Length / sizeof(WCHAR)] = 0;

    status = Open(&g_registrationA, &g_npiA);
    if (!NT_SUCCESS(status))
        return status;
    status = Open(&g_registrationB, &g_npiB);
    if (NT_SUCCESS(status))
        status = PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, NULL, NULL, NULL, DemoThread, NULL);
    if (!NT_SUCCESS(status)) {
        if (g_npiB.Dispatch != NULL) {
            WskReleaseProviderNPI(&g_registrationB);
            WskDeregister(&g_registrationB);
        }
        WskReleaseProviderNPI(&g_registrationA);
        WskDeregister(&g_registrationA);
        return status;
    }
    ObReferenceObjectByHandle(thread, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, (PVOID *)&g_thread, NULL);
    ZwClose(thread);
    DriverObject->DriverUnload = DemoUnload;
    return STATUS_SUCCESS;
}
