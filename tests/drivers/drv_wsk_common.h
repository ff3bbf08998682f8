/*
 * drv_wsk_common.h - what the drv_wsk_* test drivers share (header-only; every function is static so each
 * driver gets its own copy): reading "<RegistryPath>\Parameters", WSK registration, synchronous IRP calls
 * that check the IRP contract of wsk-api.md §8.1, addresses, the test byte pattern, system threads, and
 * machine-checkable log lines.
 *
 * Log line conventions (the gtests in tests/provider parse them):
 *   RESULT name=value [name=value ...]     an observation; statuses as 0x%08X, counts in decimal
 *   IRPCHECK call=... ok=0|1 ...           one IRP-taking call checked against the IRP contract
 *
 * Written against wsk-api.md, not against the provider: a test driver reports what it observes and the
 * gtest decides whether that is what the documentation says.
 */
#ifndef DRV_WSK_COMMON_H
#define DRV_WSK_COMMON_H

#include <ntddk.h>
#include <wsk.h>
#include <ip2string.h>

#define WT_TAG 'tksW'
#define WT_UNUSED __attribute__((unused))
#define WT_FN static __inline__ WT_UNUSED

/* ---------------------------------------------------------------------------------------------------
 * Driver configuration: "<RegistryPath>\Parameters" (WskDriverApp attribute "Parameters")
 * --------------------------------------------------------------------------------------------------- */

/* Opens <RegistryPath>\Parameters; *Key is NULL (and every value takes its default) if it is absent. */
WT_FN NTSTATUS WtOpenParameters(PCUNICODE_STRING RegistryPath, PHANDLE Key)
{
    WCHAR buffer[512];
    UNICODE_STRING path;
    OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    *Key = NULL;
    RtlInitEmptyUnicodeString(&path, buffer, sizeof(buffer));
    status = RtlAppendUnicodeStringToString(&path, RegistryPath);
    if (NT_SUCCESS(status))
        status = RtlAppendUnicodeToString(&path, L"\\Parameters");
    if (!NT_SUCCESS(status))
        return status;
    InitializeObjectAttributes(&attributes, &path, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwOpenKey(Key, KEY_READ, &attributes);
    if (!NT_SUCCESS(status))
        *Key = NULL;
    return status;
}

WT_FN VOID WtCloseParameters(HANDLE Key)
{
    if (Key != NULL)
        ZwClose(Key);
}

typedef struct _WT_VALUE {
    KEY_VALUE_PARTIAL_INFORMATION Info;
    UCHAR More[512];
} WT_VALUE;

WT_FN BOOLEAN WtQueryValue(HANDLE Key, PCWSTR Name, WT_VALUE *Value)
{
    UNICODE_STRING name;
    ULONG length = 0;
    if (Key == NULL)
        return FALSE;
    RtlInitUnicodeString(&name, Name);
    return NT_SUCCESS(ZwQueryValueKey(Key, &name, KeyValuePartialInformation, Value, sizeof(*Value), &length));
}

/* A REG_DWORD value, or a REG_SZ holding a decimal/0x number, else Default. */
WT_FN ULONG WtParamDword(HANDLE Key, PCWSTR Name, ULONG Default)
{
    WT_VALUE v;
    if (!WtQueryValue(Key, Name, &v))
        return Default;
    if (v.Info.Type == REG_DWORD && v.Info.DataLength >= sizeof(ULONG)) {
        ULONG x;
        RtlCopyMemory(&x, v.Info.Data, sizeof(x));
        return x;
    }
    if (v.Info.Type == REG_SZ) {
        UNICODE_STRING s;
        ULONG x = Default;
        s.Buffer = (PWSTR)v.Info.Data;
        s.Length = (USHORT)(v.Info.DataLength & ~1u);
        while (s.Length >= sizeof(WCHAR) && s.Buffer[s.Length / sizeof(WCHAR) - 1] == 0)
            s.Length -= sizeof(WCHAR);
        s.MaximumLength = s.Length;
        if (NT_SUCCESS(RtlUnicodeStringToInteger(&s, 0, &x)))
            return x;
    }
    return Default;
}

/* A REG_SZ value copied NUL-terminated into Buffer (Chars WCHARs), else Default. */
WT_FN VOID WtParamString(HANDLE Key, PCWSTR Name, PWSTR Buffer, ULONG Chars, PCWSTR Default)
{
    WT_VALUE v;
    ULONG i = 0;
    if (WtQueryValue(Key, Name, &v) && v.Info.Type == REG_SZ) {
        const WCHAR *src = (const WCHAR *)v.Info.Data;
        ULONG n = v.Info.DataLength / sizeof(WCHAR);
        for (; i + 1 < Chars && i < n && src[i] != 0; i++)
            Buffer[i] = src[i];
    } else if (Default != NULL) {
        for (; i + 1 < Chars && Default[i] != 0; i++)
            Buffer[i] = Default[i];
    }
    Buffer[i] = 0;
}

/* Case-insensitive comparison of a parameter with an ASCII word. */
WT_FN BOOLEAN WtIs(PCWSTR Value, const char *Word)
{
    for (; *Value != 0 && *Word != 0; Value++, Word++) {
        WCHAR a = *Value, b = (WCHAR)(UCHAR)*Word;
        if (a >= L'A' && a <= L'Z')
            a = (WCHAR)(a - L'A' + L'a');
        if (b >= L'A' && b <= L'Z')
            b = (WCHAR)(b - L'A' + L'a');
        if (a != b)
            return FALSE;
    }
    return *Value == 0 && *Word == 0;
}

/* ---------------------------------------------------------------------------------------------------
 * Time, threads
 * --------------------------------------------------------------------------------------------------- */

WT_FN ULONGLONG WtNowUs(VOID)
{
    return KeQueryInterruptTime() / 10;
}

WT_FN VOID WtSleepMs(ULONG Milliseconds)
{
    LARGE_INTEGER interval;
    interval.QuadPart = -(LONGLONG)Milliseconds * 10000;
    KeDelayExecutionThread(KernelMode, FALSE, &interval);
}

/* Waits for an object for at most Milliseconds; TRUE if it was signalled. */
WT_FN BOOLEAN WtWaitMs(PVOID Object, ULONG Milliseconds)
{
    LARGE_INTEGER timeout;
    timeout.QuadPart = -(LONGLONG)Milliseconds * 10000;
    return KeWaitForSingleObject(Object, Executive, KernelMode, FALSE, &timeout) == STATUS_SUCCESS;
}

WT_FN NTSTATUS WtStartThread(PKSTART_ROUTINE Routine, PVOID Context, PETHREAD *Thread)
{
    HANDLE handle;
    NTSTATUS status = PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, NULL, NULL, NULL, Routine, Context);
    if (!NT_SUCCESS(status))
        return status;
    status = ObReferenceObjectByHandle(handle, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, (PVOID *)Thread, NULL);
    ZwClose(handle);
    return status;
}

WT_FN VOID WtJoinThread(PETHREAD *Thread)
{
    if (*Thread != NULL) {
        KeWaitForSingleObject(*Thread, Executive, KernelMode, FALSE, NULL);
        ObDereferenceObject(*Thread);
        *Thread = NULL;
    }
}

/* ---------------------------------------------------------------------------------------------------
 * Synchronous IRP calls, checked against the IRP contract (wsk-api.md §8.1.4):
 *   returned != STATUS_PENDING  =>  the completion routine already ran, with PendingReturned FALSE and
 *                                   IoStatus.Status equal to the returned status;
 *   returned == STATUS_PENDING  =>  the completion routine runs (possibly already ran) with
 *                                   PendingReturned TRUE.
 * Usage:  status = WtSyncEnd(&s, "WskBind", Dispatch->WskBind(Socket, Address, 0, WtSyncBegin(&s)));
 * --------------------------------------------------------------------------------------------------- */

#define WT_CALL_TIMEOUT_MS 60000

typedef struct _WT_SYNC {
    PIRP Irp;
    KEVENT Done;
    volatile LONG Completed;
    BOOLEAN PendingReturned;
    KIRQL CompletionIrql;
    NTSTATUS Returned;
    const char *Call;
} WT_SYNC, *PWT_SYNC;

static WT_UNUSED volatile LONG g_WtIrpChecks;
static WT_UNUSED volatile LONG g_WtIrpViolations;
static WT_UNUSED BOOLEAN g_WtIrpLogAll = TRUE; /* FALSE: log only violations (bulk drivers) */

static WT_UNUSED IO_COMPLETION_ROUTINE WtSyncComplete;
static WT_UNUSED NTSTATUS WtSyncComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PWT_SYNC s = (PWT_SYNC)Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    s->PendingReturned = Irp->PendingReturned;
    s->CompletionIrql = KeGetCurrentIrql();
    InterlockedExchange(&s->Completed, 1);
    KeSetEvent(&s->Done, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

WT_FN NTSTATUS WtSyncInit(PWT_SYNC s)
{
    RtlZeroMemory(s, sizeof(*s));
    KeInitializeEvent(&s->Done, NotificationEvent, FALSE);
    s->Irp = IoAllocateIrp(1, FALSE);
    return s->Irp != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

WT_FN VOID WtSyncFree(PWT_SYNC s)
{
    if (s->Irp != NULL)
        IoFreeIrp(s->Irp);
    s->Irp = NULL;
}

WT_FN PIRP WtSyncBegin(PWT_SYNC s)
{
    IoReuseIrp(s->Irp, STATUS_UNSUCCESSFUL);
    KeClearEvent(&s->Done);
    s->Completed = 0;
    s->PendingReturned = FALSE;
    s->Returned = STATUS_PENDING;
    s->Call = NULL;
    IoSetCompletionRoutine(s->Irp, WtSyncComplete, s, TRUE, TRUE, TRUE);
    return s->Irp;
}

WT_FN VOID WtSyncReport(PWT_SYNC s, LONG CompletedInCall, BOOLEAN Ok)
{
    InterlockedIncrement(&g_WtIrpChecks);
    if (!Ok)
        InterlockedIncrement(&g_WtIrpViolations);
    if (!Ok || g_WtIrpLogAll)
        DbgPrint("IRPCHECK call=%s returned=0x%08X completed_in_call=%d pending_returned=%d status=0x%08X "
                 "information=%Iu ok=%d\n",
                 s->Call, (ULONG)s->Returned, (int)CompletedInCall, (int)s->PendingReturned,
                 (ULONG)s->Irp->IoStatus.Status, s->Irp->IoStatus.Information, (int)Ok);
}

/* Records what the call returned. For a non-pending return the IRP must already be complete: that is
 * checked (and logged) here; a pending one is checked by WtSyncWait. */
WT_FN VOID WtSyncIssued(PWT_SYNC s, const char *Call, NTSTATUS Returned)
{
    s->Call = Call;
    s->Returned = Returned;
    if (Returned != STATUS_PENDING) {
        LONG completed = s->Completed;
        BOOLEAN ok = completed && !s->PendingReturned && s->Irp->IoStatus.Status == Returned;
        WtSyncReport(s, completed, ok);
    }
}

/* The final status of the call: waits (cancelling after TimeoutMs) if it returned STATUS_PENDING. */
WT_FN NTSTATUS WtSyncWaitMs(PWT_SYNC s, ULONG TimeoutMs)
{
    if (s->Returned != STATUS_PENDING)
        return s->Completed ? s->Irp->IoStatus.Status : s->Returned;
    if (!WtWaitMs(&s->Done, TimeoutMs)) {
        DbgPrint("RESULT timeout_call=%s\n", s->Call);
        IoCancelIrp(s->Irp);
        KeWaitForSingleObject(&s->Done, Executive, KernelMode, FALSE, NULL);
    }
    WtSyncReport(s, 0, s->PendingReturned);
    s->Returned = s->Irp->IoStatus.Status; /* checked once */
    return s->Irp->IoStatus.Status;
}

WT_FN NTSTATUS WtSyncEnd(PWT_SYNC s, const char *Call, NTSTATUS Returned)
{
    WtSyncIssued(s, Call, Returned);
    return WtSyncWaitMs(s, WT_CALL_TIMEOUT_MS);
}

WT_FN VOID WtReportIrpChecks(VOID)
{
    DbgPrint("RESULT irp_checks=%d irp_violations=%d\n", g_WtIrpChecks, g_WtIrpViolations);
}

/* ---------------------------------------------------------------------------------------------------
 * Registration
 * --------------------------------------------------------------------------------------------------- */

typedef struct _WT_WSK {
    WSK_REGISTRATION Registration;
    WSK_PROVIDER_NPI Npi;
    BOOLEAN Registered;
    BOOLEAN Captured;
} WT_WSK, *PWT_WSK;

static WT_UNUSED const WSK_CLIENT_DISPATCH g_WtClientDispatch = {MAKE_WSK_VERSION(1, 0), 0, NULL};

/* WskRegister + WskCaptureProviderNPI; logs "RESULT <Prefix>_register=... <Prefix>_capture=..." on failure. */
WT_FN NTSTATUS WtWskOpen(PWT_WSK w, ULONG WaitTimeout)
{
    WSK_CLIENT_NPI client;
    NTSTATUS status;
    RtlZeroMemory(w, sizeof(*w));
    client.ClientContext = w;
    client.Dispatch = &g_WtClientDispatch;
    status = WskRegister(&client, &w->Registration);
    if (!NT_SUCCESS(status)) {
        DbgPrint("RESULT wsk_register=0x%08X\n", (ULONG)status);
        return status;
    }
    w->Registered = TRUE;
    status = WskCaptureProviderNPI(&w->Registration, WaitTimeout, &w->Npi);
    if (!NT_SUCCESS(status)) {
        DbgPrint("RESULT wsk_capture=0x%08X\n", (ULONG)status);
        return status;
    }
    w->Captured = TRUE;
    return STATUS_SUCCESS;
}

WT_FN VOID WtWskClose(PWT_WSK w)
{
    if (w->Captured)
        WskReleaseProviderNPI(&w->Registration);
    w->Captured = FALSE;
    if (w->Registered)
        WskDeregister(&w->Registration);
    w->Registered = FALSE;
}

/* ---------------------------------------------------------------------------------------------------
 * Test cases: a driver's thread opens WSK, runs the case its "Case" parameter names, reports and ends.
 * --------------------------------------------------------------------------------------------------- */
typedef VOID WT_CASE_FN(PWT_SYNC Sync);
typedef struct _WT_CASE {
    const char *Name;
    WT_CASE_FN *Run;
} WT_CASE;

/* Runs the case of Cases (NULL-terminated) named Case (Case NULL: the first one), then Finish (may be NULL) while WSK is still open;
 * logs "RESULT setup_failed=..." or "RESULT unknown_case=1" when it cannot, and always "RESULT done=1".
 * Ends the calling system thread. */
WT_FN VOID WtRunCase(PWT_WSK w, PCWSTR Case, const WT_CASE *Cases, WT_CASE_FN *Finish)
{
    WT_SYNC sync;
    NTSTATUS status = WtWskOpen(w, WSK_INFINITE_WAIT);
    if (NT_SUCCESS(status))
        status = WtSyncInit(&sync);
    if (!NT_SUCCESS(status)) {
        DbgPrint("RESULT setup_failed=0x%08X\n", (ULONG)status);
        WtWskClose(w);
        DbgPrint("RESULT done=1\n");
        PsTerminateSystemThread(status);
    }
    for (; Case != NULL && Cases->Name != NULL && !WtIs(Case, Cases->Name); Cases++)
        ;
    if (Cases->Run != NULL)
        Cases->Run(&sync);
    else
        DbgPrint("RESULT unknown_case=1\n");
    if (Finish != NULL)
        Finish(&sync);
    WtSyncFree(&sync);
    WtWskClose(w);
    WtReportIrpChecks();
    DbgPrint("RESULT done=1\n");
    PsTerminateSystemThread(STATUS_SUCCESS);
}

/* ---------------------------------------------------------------------------------------------------
 * Sockets
 * --------------------------------------------------------------------------------------------------- */

#define WT_CONN(Socket) ((const WSK_PROVIDER_CONNECTION_DISPATCH *)(Socket)->Dispatch)
#define WT_LISTEN(Socket) ((const WSK_PROVIDER_LISTEN_DISPATCH *)(Socket)->Dispatch)
#define WT_BASIC(Socket) ((const WSK_PROVIDER_BASIC_DISPATCH *)(Socket)->Dispatch)

/* Text -> SOCKADDR_IN/SOCKADDR_IN6 (family chosen by the text); Text NULL or empty = wildcard of Family. */
WT_FN NTSTATUS WtMakeAddress(PSOCKADDR_STORAGE Address, ADDRESS_FAMILY Family, PCWSTR Text, USHORT Port)
{
    RtlZeroMemory(Address, sizeof(*Address));
    if (Text != NULL && Text[0] != 0) {
        const WCHAR *p;
        Family = AF_INET;
        for (p = Text; *p != 0; p++)
            if (*p == L':')
                Family = AF_INET6;
    }
    if (Family == AF_INET6) {
        PSOCKADDR_IN6 a6 = (PSOCKADDR_IN6)Address;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = RtlUshortByteSwap(Port);
        if (Text != NULL && Text[0] != 0) {
            PCWSTR end;
            NTSTATUS status = RtlIpv6StringToAddressW(Text, &end, &a6->sin6_addr);
            if (!NT_SUCCESS(status) || *end != 0)
                return STATUS_INVALID_ADDRESS;
        }
    } else {
        PSOCKADDR_IN a4 = (PSOCKADDR_IN)Address;
        a4->sin_family = AF_INET;
        a4->sin_port = RtlUshortByteSwap(Port);
        if (Text != NULL && Text[0] != 0) {
            PCWSTR end;
            NTSTATUS status = RtlIpv4StringToAddressW(Text, TRUE, &end, &a4->sin_addr);
            if (!NT_SUCCESS(status) || *end != 0)
                return STATUS_INVALID_ADDRESS;
        }
    }
    return STATUS_SUCCESS;
}

/* SO_WSK_EVENT_CALLBACK with the standard NPI id (Irp may be NULL). */
WT_FN NTSTATUS WtSetEventMask(PWSK_SOCKET Socket, ULONG EventMask, PIRP Irp, WSK_EVENT_CALLBACK_CONTROL *Control)
{
    Control->NpiId = &NPI_WSK_INTERFACE_ID;
    Control->EventMask = EventMask;
    return WT_BASIC(Socket)->WskControlSocket(Socket, WskSetOption, SO_WSK_EVENT_CALLBACK, SOL_SOCKET,
                                              sizeof(*Control), Control, 0, NULL, NULL, Irp);
}

/* Creates a socket, binds it to the wildcard of Family and (for connection sockets given a remote) connects;
 * each step logged as an IRPCHECK. */
WT_FN NTSTATUS WtCreateSocket(PWT_WSK w, PWT_SYNC s, ADDRESS_FAMILY Family, ULONG Flags, PVOID Context,
                               const VOID *Dispatch, PWSK_SOCKET *Socket)
{
    NTSTATUS status;
    *Socket = NULL;
    status = WtSyncEnd(s, "WskSocket",
                       w->Npi.Dispatch->WskSocket(w->Npi.Client, Family, SOCK_STREAM, IPPROTO_TCP, Flags, Context,
                                                  Dispatch, NULL, NULL, NULL, WtSyncBegin(s)));
    if (NT_SUCCESS(status))
        *Socket = (PWSK_SOCKET)s->Irp->IoStatus.Information;
    return status;
}

WT_FN NTSTATUS WtBindWildcard(PWT_SYNC s, PWSK_SOCKET Socket, ADDRESS_FAMILY Family, USHORT Port)
{
    SOCKADDR_STORAGE local;
    WtMakeAddress(&local, Family, NULL, Port);
    return WtSyncEnd(s, "WskBind", WT_CONN(Socket)->WskBind(Socket, (PSOCKADDR)&local, 0, WtSyncBegin(s)));
}

WT_FN NTSTATUS WtConnect(PWT_SYNC s, PWSK_SOCKET Socket, PSOCKADDR_STORAGE Remote)
{
    return WtSyncEnd(s, "WskConnect", WT_CONN(Socket)->WskConnect(Socket, (PSOCKADDR)Remote, 0, WtSyncBegin(s)));
}

WT_FN NTSTATUS WtCloseSocket(PWT_SYNC s, PWSK_SOCKET Socket)
{
    return WtSyncEnd(s, "WskCloseSocket", WT_BASIC(Socket)->WskCloseSocket(Socket, WtSyncBegin(s)));
}

/* ---------------------------------------------------------------------------------------------------
 * Data: a deterministic byte pattern (a shifted or duplicated stream never matches it), MDL helpers
 * --------------------------------------------------------------------------------------------------- */

WT_FN UCHAR WtPattern(ULONGLONG Offset, ULONG Seed)
{
    ULONG x = (ULONG)Offset * 2654435761u + (ULONG)(Offset >> 32) * 97u + Seed * 40503u;
    return (UCHAR)(x >> 24);
}

WT_FN VOID WtFillPattern(PUCHAR Buffer, SIZE_T Length, ULONGLONG Offset, ULONG Seed)
{
    SIZE_T i;
    for (i = 0; i < Length; i++)
        Buffer[i] = WtPattern(Offset + i, Seed);
}

/* Number of bytes of Buffer[0..Length) that differ from the pattern starting at Offset. */
WT_FN SIZE_T WtCheckPattern(const UCHAR *Buffer, SIZE_T Length, ULONGLONG Offset, ULONG Seed)
{
    SIZE_T i, bad = 0;
    for (i = 0; i < Length; i++)
        if (Buffer[i] != WtPattern(Offset + i, Seed))
            bad++;
    return bad;
}

/* Walks the bytes of a WSK_BUF (Offset into the first MDL, then through the chain): calls Visit for each
 * contiguous piece. Returns the number of bytes visited. */
typedef VOID WT_VISIT(const UCHAR *Piece, SIZE_T Length, PVOID Context);
WT_FN SIZE_T WtVisitWskBuf(const WSK_BUF *Buffer, WT_VISIT *Visit, PVOID Context)
{
    PMDL mdl = Buffer->Mdl;
    ULONG offset = Buffer->Offset;
    SIZE_T left = Buffer->Length, done = 0;
    while (left > 0 && mdl != NULL) {
        PUCHAR va = (PUCHAR)MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
        SIZE_T avail = MmGetMdlByteCount(mdl) > offset ? MmGetMdlByteCount(mdl) - offset : 0;
        SIZE_T n = avail < left ? avail : left;
        if (va == NULL)
            break;
        if (n > 0)
            Visit(va + offset, n, Context);
        done += n;
        left -= n;
        offset = 0;
        mdl = mdl->Next;
    }
    return done;
}

typedef struct _WT_CHECK {
    ULONGLONG Offset; /* stream offset of the next byte */
    ULONG Seed;
    SIZE_T Bad;
} WT_CHECK;

WT_FN VOID WtCheckPiece(const UCHAR *Piece, SIZE_T Length, PVOID Context)
{
    WT_CHECK *c = (WT_CHECK *)Context;
    c->Bad += WtCheckPattern(Piece, Length, c->Offset, c->Seed);
    c->Offset += Length;
}

/* Checks a whole indication list against the pattern at *Offset and advances *Offset; returns bad bytes. */
WT_FN SIZE_T WtCheckIndication(PWSK_DATA_INDICATION Indication, ULONGLONG *Offset, ULONG Seed, SIZE_T *Bytes)
{
    WT_CHECK c;
    SIZE_T total = 0;
    c.Offset = *Offset;
    c.Seed = Seed;
    c.Bad = 0;
    for (; Indication != NULL; Indication = Indication->Next)
        total += WtVisitWskBuf(&Indication->Buffer, WtCheckPiece, &c);
    *Offset = c.Offset;
    if (Bytes != NULL)
        *Bytes = total;
    return c.Bad;
}

typedef struct _WT_COPY {
    PUCHAR To;
} WT_COPY;

WT_FN VOID WtCopyPiece(const UCHAR *Piece, SIZE_T Length, PVOID Context)
{
    WT_COPY *c = (WT_COPY *)Context;
    RtlCopyMemory(c->To, Piece, Length);
    c->To += Length;
}

/* Copies every byte of an indication list to Destination (which holds at least BytesIndicated). */
WT_FN SIZE_T WtCopyIndication(PWSK_DATA_INDICATION Indication, PUCHAR Destination)
{
    WT_COPY c;
    SIZE_T total = 0;
    c.To = Destination;
    for (; Indication != NULL; Indication = Indication->Next)
        total += WtVisitWskBuf(&Indication->Buffer, WtCopyPiece, &c);
    return total;
}

/* A non-paged buffer described by one MDL, for WskSend/WskReceive. */
typedef struct _WT_BUFFER {
    PUCHAR Data;
    PMDL Mdl;
    SIZE_T Size;
} WT_BUFFER;

WT_FN NTSTATUS WtBufferAlloc(WT_BUFFER *b, SIZE_T Size)
{
    b->Size = Size;
    b->Mdl = NULL;
    b->Data = (PUCHAR)ExAllocatePool2(POOL_FLAG_NON_PAGED, Size ? Size : 1, WT_TAG);
    if (b->Data == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    b->Mdl = IoAllocateMdl(b->Data, (ULONG)(Size ? Size : 1), FALSE, FALSE, NULL);
    if (b->Mdl == NULL) {
        ExFreePoolWithTag(b->Data, WT_TAG);
        b->Data = NULL;
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    MmBuildMdlForNonPagedPool(b->Mdl);
    return STATUS_SUCCESS;
}

WT_FN VOID WtBufferFree(WT_BUFFER *b)
{
    if (b->Mdl != NULL)
        IoFreeMdl(b->Mdl);
    if (b->Data != NULL)
        ExFreePoolWithTag(b->Data, WT_TAG);
    b->Mdl = NULL;
    b->Data = NULL;
}

WT_FN WSK_BUF WtWskBuf(WT_BUFFER *b, SIZE_T Length)
{
    WSK_BUF w;
    w.Mdl = b->Mdl;
    w.Offset = 0;
    w.Length = Length;
    return w;
}

#endif /* DRV_WSK_COMMON_H */
