/*
 * registry.c - the registry a driver reads its configuration from. Per node it holds the driver's service key
 * (the RegistryPath passed to DriverEntry) and its Parameters subkey, whose values the host sets before
 * DriverEntry runs (WskDriverApp attribute "Parameters"). It is read-only.
 *
 * A key handle is the address of a KRT_KEY listed on its instance; handles are looked up in that list
 * before being dereferenced, so a stale or foreign handle is reported instead of being read.
 */
#include "krt_internal.h"
#include "krt_rtl_alloc.h"

#include <stddef.h>
#include <stdlib.h>

#define KRT_KEY_MAGIC 0x4B52544Bu /* 'KRTK' */

/* Where a registry path leads; only the service key and its Parameters subkey can be opened. */
typedef enum KRT_KEY_PLACE {
    KrtPlaceNowhere,
    KrtPlaceServices,   /* ...\CurrentControlSet\Services itself */
    KrtPlaceService,    /* ...\Services\<driver> */
    KrtPlaceParameters, /* ...\Services\<driver>\Parameters */
} KRT_KEY_PLACE;

typedef struct KRT_KEY {
    ULONG Magic;
    KRT_KEY_PLACE Place;
    KRT_INSTANCE *Instance;
    LIST_ENTRY Link; /* on Instance->RegistryKeys */
} KRT_KEY;

/* ObReferenceObjectByHandle and ZwWaitForSingleObject look for a thread's magic through any handle they are
 * given: that read must stay inside a key object. */
C_ASSERT(sizeof(KRT_KEY) >= offsetof(KTHREAD, Magic) + sizeof(ULONG));

/* The x64 Windows layouts drivers are compiled against. */
C_ASSERT(offsetof(KEY_VALUE_BASIC_INFORMATION, Name) == 12);
C_ASSERT(offsetof(KEY_VALUE_FULL_INFORMATION, Name) == 20);
C_ASSERT(offsetof(KEY_VALUE_PARTIAL_INFORMATION, Data) == 12);
C_ASSERT(offsetof(KEY_VALUE_PARTIAL_INFORMATION_ALIGN64, Data) == 8);
C_ASSERT(sizeof(RTL_QUERY_REGISTRY_TABLE) == 56 && offsetof(RTL_QUERY_REGISTRY_TABLE, DefaultData) == 40);

static const WCHAR g_KrtServicesPath[] = L"\\Registry\\Machine\\System\\CurrentControlSet\\Services";
static const WCHAR g_KrtParametersName[] = L"Parameters";

static BOOLEAN KrtIsOpenable(KRT_KEY_PLACE p) { return (BOOLEAN)(p == KrtPlaceService || p == KrtPlaceParameters); }

static BOOLEAN KrtIsStringType(ULONG type)
{
    return (BOOLEAN)(type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ);
}

/* Registry names compare case-insensitively. */
static BOOLEAN KrtNamesEqual(const WCHAR *a, size_t an, const WCHAR *b, size_t bn)
{
    if (an != bn)
        return FALSE;
    for (size_t i = 0; i < an; i++)
        if (RtlUpcaseUnicodeChar(a[i]) != RtlUpcaseUnicodeChar(b[i]))
            return FALSE;
    return TRUE;
}

/* ---- Paths ---- */

/* One path component further down from `at`. */
static KRT_KEY_PLACE KrtStep(const KRT_INSTANCE *inst, KRT_KEY_PLACE at, const WCHAR *c, size_t n)
{
    if (at == KrtPlaceServices) {
        /* the driver's own name is the last component of its RegistryPath */
        const WCHAR *path = inst->RegistryPath.Buffer;
        size_t end = inst->RegistryPath.Length / sizeof(WCHAR), start = end;
        while (start > 0 && path[start - 1] != L'\\')
            start--;
        return KrtNamesEqual(c, n, path + start, end - start) ? KrtPlaceService : KrtPlaceNowhere;
    }
    if (at == KrtPlaceService && KrtNamesEqual(c, n, g_KrtParametersName, RTL_NUMBER_OF(g_KrtParametersName) - 1))
        return KrtPlaceParameters;
    return KrtPlaceNowhere;
}

/* Follows a relative path ("Parameters", "drv\Parameters", or empty for `from` itself). */
static KRT_KEY_PLACE KrtWalk(const KRT_INSTANCE *inst, KRT_KEY_PLACE from, const WCHAR *p, size_t n)
{
    KRT_KEY_PLACE at = from;
    size_t i = 0;
    while (at != KrtPlaceNowhere && i < n) {
        size_t j = i;
        while (j < n && p[j] != L'\\')
            j++;
        at = KrtStep(inst, at, p + i, j - i);
        if (j + 1 == n)
            at = KrtPlaceNowhere; /* a trailing '\' */
        i = j + 1;
    }
    return at;
}

static KRT_KEY_PLACE KrtResolveAbsolute(const KRT_INSTANCE *inst, const WCHAR *p, size_t n)
{
    size_t k = RTL_NUMBER_OF(g_KrtServicesPath) - 1;
    if (p == NULL || n < k || !KrtNamesEqual(p, k, g_KrtServicesPath, k))
        return KrtPlaceNowhere;
    if (n == k)
        return KrtPlaceServices;
    if (p[k] != L'\\')
        return KrtPlaceNowhere;
    return KrtWalk(inst, KrtPlaceServices, p + k + 1, n - k - 1);
}

static const char *KrtPlaceName(KRT_KEY_PLACE p)
{
    return p == KrtPlaceParameters ? "<service key>\\Parameters" : "<service key>";
}

/* ---- Key handles ---- */

static KRT_KEY *KrtFindKey(KRT_INSTANCE *inst, HANDLE h)
{
    if (inst == NULL || h == NULL)
        return NULL;
    for (PLIST_ENTRY e = inst->RegistryKeys.Flink; e != &inst->RegistryKeys; e = e->Flink) {
        KRT_KEY *k = CONTAINING_RECORD(e, KRT_KEY, Link);
        if ((HANDLE)k == h)
            return k->Magic == KRT_KEY_MAGIC ? k : NULL;
    }
    return NULL;
}

BOOLEAN KrtRegistryCloseKey(HANDLE Handle)
{
    KRT_KEY *k = KrtFindKey(g_KrtCur.Instance, Handle);
    if (k == NULL)
        return FALSE;
    RemoveEntryList(&k->Link);
    k->Magic = 0;
    free(k);
    return TRUE;
}

ULONG KrtRegistryReportLeaks(KRT_INSTANCE *inst)
{
    ULONG n = 0;
    for (PLIST_ENTRY e = inst->RegistryKeys.Flink; e != &inst->RegistryKeys; e = e->Flink) {
        KRT_KEY *k = CONTAINING_RECORD(e, KRT_KEY, Link);
        KrtReportFor(inst, 1, "DriverUnload", "registry key handle %p (%s) was not closed (ZwClose)", (void *)k,
                     KrtPlaceName(k->Place));
        n++;
    }
    return n;
}

void KrtRegistryRelease(KRT_INSTANCE *inst)
{
    while (!IsListEmpty(&inst->RegistryKeys)) {
        KRT_KEY *k = CONTAINING_RECORD(RemoveHeadList(&inst->RegistryKeys), KRT_KEY, Link);
        k->Magic = 0;
        free(k);
    }
    for (ULONG i = 0; i < inst->ParameterCount; i++) {
        free(inst->Parameters[i].Name);
        free(inst->Parameters[i].Data);
    }
    free(inst->Parameters);
    inst->Parameters = NULL;
    inst->ParameterCount = 0;
}

/* ---- Values ---- */

static KRT_REG_VALUE *KrtFindValue(KRT_INSTANCE *inst, KRT_KEY_PLACE place, const WCHAR *name, size_t n)
{
    if (place != KrtPlaceParameters)
        return NULL; /* the service key itself has no values here */
    for (ULONG i = 0; i < inst->ParameterCount; i++) {
        KRT_REG_VALUE *v = &inst->Parameters[i];
        if (KrtNamesEqual(v->Name, v->NameLength / sizeof(WCHAR), name, n))
            return v;
    }
    return NULL;
}

static void KrtRemoveValue(KRT_INSTANCE *inst, KRT_REG_VALUE *v)
{
    ULONG i = (ULONG)(v - inst->Parameters);
    free(v->Name);
    free(v->Data);
    memmove(v, v + 1, (inst->ParameterCount - i - 1) * sizeof *v);
    inst->ParameterCount--;
}

/* A malloc'ed NUL-terminated UTF-16 copy of a UTF-8 string; *bytes excludes the NUL. */
static WCHAR *KrtUtf8ToWide(const char *s, ULONG *bytes)
{
    ULONG in = (ULONG)strlen(s), out = 0;
    RtlUTF8ToUnicodeN(NULL, 0, &out, s, in); /* invalid sequences become U+FFFD, as on Windows */
    WCHAR *w = malloc(out + sizeof(WCHAR));
    if (w == NULL)
        return NULL;
    RtlUTF8ToUnicodeN(w, out, &out, s, in);
    w[out / sizeof(WCHAR)] = 0;
    *bytes = out;
    return w;
}

NTSTATUS KrtRegistrySetValue(KRT_INSTANCE *inst, const char *name, ULONG type, const void *data, ULONG length)
{
    if (inst == NULL || name == NULL || (data == NULL && length != 0))
        return STATUS_INVALID_PARAMETER;
    ULONG nameBytes;
    WCHAR *wname = KrtUtf8ToWide(name, &nameBytes);
    if (wname == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS s = STATUS_SUCCESS;
    if (nameBytes == 0 || nameBytes > 16383 * sizeof(WCHAR)) /* Windows' limit on value names */
        s = STATUS_INVALID_PARAMETER;
    else if (KrtFindValue(inst, KrtPlaceParameters, wname, nameBytes / sizeof(WCHAR)) != NULL)
        s = STATUS_OBJECT_NAME_COLLISION;
    if (!NT_SUCCESS(s)) {
        free(wname);
        return s;
    }
    UCHAR *copy = malloc(length ? length : 1);
    KRT_REG_VALUE *grown = realloc(inst->Parameters, (inst->ParameterCount + 1) * sizeof *grown);
    if (copy == NULL || grown == NULL) {
        free(copy);
        free(wname);
        if (grown != NULL)
            inst->Parameters = grown;
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (length)
        memcpy(copy, data, length);
    inst->Parameters = grown;
    KRT_REG_VALUE *v = &grown[inst->ParameterCount++];
    v->Name = wname;
    v->NameLength = (USHORT)nameBytes;
    v->Type = type;
    v->DataLength = length;
    v->Data = copy;
    return STATUS_SUCCESS;
}

NTSTATUS KrtRegistrySetString(KRT_INSTANCE *inst, const char *name, const char *value)
{
    if (value == NULL)
        return STATUS_INVALID_PARAMETER;
    ULONG bytes;
    WCHAR *w = KrtUtf8ToWide(value, &bytes);
    if (w == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS s = KrtRegistrySetValue(inst, name, REG_SZ, w, bytes + (ULONG)sizeof(WCHAR)); /* REG_SZ keeps its NUL */
    free(w);
    return s;
}

/* ---- ZwOpenKey / ZwQueryValueKey ---- */

NTSTATUS NTAPI ZwOpenKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
    (void)DesiredAccess; /* every access is granted: nothing here can be changed anyway */
    KRT_INSTANCE *inst = g_KrtCur.Instance;
    if (KeyHandle == NULL || ObjectAttributes == NULL || inst == NULL) {
        KrtReport(2, "ZwOpenKey", "KeyHandle and ObjectAttributes are required");
        return STATUS_INVALID_PARAMETER;
    }
    *KeyHandle = NULL;
    if (g_KrtCur.Irql != PASSIVE_LEVEL)
        KrtReport(2, "ZwOpenKey", "called at IRQL %u (must be PASSIVE_LEVEL)", g_KrtCur.Irql);
    const UNICODE_STRING *name = ObjectAttributes->ObjectName;
    const WCHAR *p = name != NULL ? name->Buffer : NULL;
    size_t n = p != NULL ? name->Length / sizeof(WCHAR) : 0;
    KRT_KEY_PLACE place;
    if (ObjectAttributes->RootDirectory != NULL) {
        KRT_KEY *root = KrtFindKey(inst, ObjectAttributes->RootDirectory);
        if (root == NULL) {
            KrtReport(2, "ZwOpenKey", "RootDirectory %p is not an open key handle (STATUS_INVALID_HANDLE)",
                      ObjectAttributes->RootDirectory);
            return STATUS_INVALID_HANDLE;
        }
        place = KrtWalk(inst, root->Place, p, n);
    } else {
        place = KrtResolveAbsolute(inst, p, n);
    }
    if (!KrtIsOpenable(place))
        return STATUS_OBJECT_NAME_NOT_FOUND;
    KRT_KEY *k = calloc(1, sizeof *k);
    if (k == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    k->Magic = KRT_KEY_MAGIC;
    k->Place = place;
    k->Instance = inst;
    InsertTailList(&inst->RegistryKeys, &k->Link);
    *KeyHandle = (HANDLE)k;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI NtOpenKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ZwOpenKey(KeyHandle, DesiredAccess, ObjectAttributes);
}

/* Copies the part of [offset, offset + bytes) that lies inside a buffer of `length` bytes: on
 * STATUS_BUFFER_OVERFLOW the caller gets as much of the answer as fits. */
static void KrtPut(UCHAR *buf, ULONG length, ULONG offset, const void *src, ULONG bytes)
{
    if (offset >= length)
        return;
    if (bytes > length - offset)
        bytes = length - offset;
    memcpy(buf + offset, src, bytes);
}

NTSTATUS NTAPI ZwQueryValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName,
                               KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass, PVOID KeyValueInformation,
                               ULONG Length, PULONG ResultLength)
{
    KRT_INSTANCE *inst = g_KrtCur.Instance;
    KRT_KEY *k = KrtFindKey(inst, KeyHandle);
    if (k == NULL) {
        KrtReport(2, "ZwQueryValueKey", "handle %p is not an open key handle (STATUS_INVALID_HANDLE)", KeyHandle);
        return STATUS_INVALID_HANDLE;
    }
    if (ResultLength == NULL) {
        KrtReport(2, "ZwQueryValueKey", "ResultLength is required");
        return STATUS_INVALID_PARAMETER;
    }
    if (g_KrtCur.Irql != PASSIVE_LEVEL)
        KrtReport(2, "ZwQueryValueKey", "called at IRQL %u (must be PASSIVE_LEVEL)", g_KrtCur.Irql);
    if ((ULONG)KeyValueInformationClass > (ULONG)KeyValuePartialInformationAlign64)
        return STATUS_INVALID_PARAMETER;
    const WCHAR *name = ValueName != NULL ? ValueName->Buffer : NULL;
    size_t n = name != NULL ? ValueName->Length / sizeof(WCHAR) : 0;
    const KRT_REG_VALUE *v = KrtFindValue(inst, k->Place, name, n);
    if (v == NULL)
        return STATUS_OBJECT_NAME_NOT_FOUND;

    /* The fixed part (header fields, in the structure's order), then the name and/or the data. */
    ULONG header[5];
    ULONG fixed, nameOffset = 0, dataOffset = 0, total;
    BOOLEAN withName = FALSE, withData = TRUE;
    switch (KeyValueInformationClass) {
    case KeyValueBasicInformation:
        fixed = (ULONG)offsetof(KEY_VALUE_BASIC_INFORMATION, Name);
        header[0] = 0;
        header[1] = v->Type;
        header[2] = v->NameLength;
        withName = TRUE;
        withData = FALSE;
        nameOffset = fixed;
        total = fixed + v->NameLength;
        break;
    case KeyValueFullInformation:
    case KeyValueFullInformationAlign64: {
        ULONG align = KeyValueInformationClass == KeyValueFullInformation ? sizeof(ULONG) : 8;
        fixed = (ULONG)offsetof(KEY_VALUE_FULL_INFORMATION, Name);
        nameOffset = fixed;
        dataOffset = (fixed + v->NameLength + align - 1) & ~(align - 1);
        header[0] = 0;
        header[1] = v->Type;
        header[2] = dataOffset;
        header[3] = v->DataLength;
        header[4] = v->NameLength;
        withName = TRUE;
        total = dataOffset + v->DataLength;
        break;
    }
    case KeyValuePartialInformation:
        fixed = (ULONG)offsetof(KEY_VALUE_PARTIAL_INFORMATION, Data);
        header[0] = 0;
        header[1] = v->Type;
        header[2] = v->DataLength;
        dataOffset = fixed;
        total = fixed + v->DataLength;
        break;
    default: /* KeyValuePartialInformationAlign64 */
        fixed = (ULONG)offsetof(KEY_VALUE_PARTIAL_INFORMATION_ALIGN64, Data);
        header[0] = v->Type;
        header[1] = v->DataLength;
        dataOffset = fixed;
        total = fixed + v->DataLength;
        break;
    }
    *ResultLength = total;
    if (Length < fixed)
        return STATUS_BUFFER_TOO_SMALL;
    if (KeyValueInformation == NULL) {
        KrtReport(2, "ZwQueryValueKey", "KeyValueInformation is NULL but Length is %u", Length);
        return STATUS_INVALID_PARAMETER;
    }
    UCHAR *out = (UCHAR *)KeyValueInformation;
    memcpy(out, header, fixed);
    if (withName)
        KrtPut(out, Length, nameOffset, v->Name, v->NameLength);
    if (withData)
        KrtPut(out, Length, dataOffset, v->Data, v->DataLength);
    return Length < total ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

NTSTATUS NTAPI NtQueryValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName,
                               KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass, PVOID KeyValueInformation,
                               ULONG Length, PULONG ResultLength)
{
    return ZwQueryValueKey(KeyHandle, ValueName, KeyValueInformationClass, KeyValueInformation, Length,
                           ResultLength);
}

/* ---- RtlQueryRegistryValues ---- */

/* Bytes of a default string whose DefaultLength is 0, terminators included. */
static ULONG KrtDefaultStringBytes(ULONG type, const WCHAR *s)
{
    size_t n = KrtWcsLen(s) + 1;
    if (type == REG_MULTI_SZ)
        while (s[n] != 0)
            n += KrtWcsLen(s + n) + 1;
    return (ULONG)((type == REG_MULTI_SZ ? n + 1 : n) * sizeof(WCHAR));
}

/* RTL_QUERY_REGISTRY_DIRECT: store into EntryContext in the documented format for the type. */
static NTSTATUS KrtStoreDirect(PVOID ctx, ULONG flags, ULONG type, const void *data, ULONG length)
{
    if (ctx == NULL)
        return STATUS_INVALID_PARAMETER;
    if (KrtIsStringType(type) && !(flags & RTL_QUERY_REGISTRY_NOSTRING)) {
        PUNICODE_STRING us = (PUNICODE_STRING)ctx;
        ULONG bytes = length & ~1u;
        WCHAR last = 0;
        if (bytes >= sizeof(WCHAR))
            memcpy(&last, (const UCHAR *)data + bytes - sizeof(WCHAR), sizeof last);
        if (bytes >= sizeof(WCHAR) && last == 0)
            bytes -= sizeof(WCHAR); /* a UNICODE_STRING's Length leaves out the NUL */
        if (bytes + sizeof(WCHAR) > UNICODE_STRING_MAX_BYTES)
            return STATUS_BUFFER_TOO_SMALL;
        if (us->Buffer == NULL) {
            us->Buffer = (PWSTR)KrtRtlAlloc(bytes + sizeof(WCHAR)); /* the caller frees with RtlFreeUnicodeString */
            if (us->Buffer == NULL)
                return STATUS_INSUFFICIENT_RESOURCES;
            us->MaximumLength = (USHORT)(bytes + sizeof(WCHAR));
        } else if (bytes > us->MaximumLength) {
            return STATUS_BUFFER_TOO_SMALL;
        }
        memcpy(us->Buffer, data, bytes);
        if (bytes + sizeof(WCHAR) <= us->MaximumLength)
            us->Buffer[bytes / sizeof(WCHAR)] = 0;
        us->Length = (USHORT)bytes;
        return STATUS_SUCCESS;
    }
    if (length <= sizeof(ULONG)) {
        memcpy(ctx, data, length);
        return STATUS_SUCCESS;
    }
    /* Larger data: the buffer starts with its signed size; negative means "data only", positive means
     * "length, type, then data". */
    LONG size;
    memcpy(&size, ctx, sizeof size);
    if (size < 0) {
        if (0u - (ULONG)size < length)
            return STATUS_BUFFER_TOO_SMALL;
        memcpy(ctx, data, length);
    } else {
        if ((ULONG)size < 2 * sizeof(ULONG) + length)
            return STATUS_BUFFER_TOO_SMALL;
        ULONG head[2] = {length, type};
        memcpy(ctx, head, sizeof head);
        memcpy((UCHAR *)ctx + sizeof head, data, length);
    }
    return STATUS_SUCCESS;
}

static NTSTATUS KrtCallRoutine(PRTL_QUERY_REGISTRY_TABLE e, PWSTR name, ULONG type, PVOID data, ULONG length,
                               PVOID context)
{
    NTSTATUS s = e->QueryRoutine(name, type, data, length, context, e->EntryContext);
    return s == STATUS_BUFFER_TOO_SMALL ? STATUS_SUCCESS : s; /* the documented exception */
}

/* Hands one value to a table entry: stored directly, or passed to its QueryRoutine. */
static NTSTATUS KrtDeliver(PRTL_QUERY_REGISTRY_TABLE e, PWSTR name, ULONG type, PVOID data, ULONG length,
                           PVOID context)
{
    if (e->Flags & RTL_QUERY_REGISTRY_DIRECT) {
        if ((e->Flags & RTL_QUERY_REGISTRY_TYPECHECK) && (e->DefaultType >> RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) != type)
            return STATUS_OBJECT_TYPE_MISMATCH;
        return KrtStoreDirect(e->EntryContext, e->Flags, type, data, length);
    }
    if (type == REG_MULTI_SZ && !(e->Flags & RTL_QUERY_REGISTRY_NOEXPAND)) {
        /* each string of the list as a REG_SZ of its own, under the same name */
        const WCHAR *w = (const WCHAR *)data;
        ULONG n = length / sizeof(WCHAR);
        for (ULONG i = 0; i < n && w[i] != 0;) {
            ULONG j = i;
            while (j < n && w[j] != 0)
                j++;
            ULONG bytes = (j - i + (j < n ? 1 : 0)) * (ULONG)sizeof(WCHAR);
            NTSTATUS s = KrtCallRoutine(e, name, REG_SZ, (PVOID)(w + i), bytes, context);
            if (!NT_SUCCESS(s))
                return s;
            i = j + 1;
        }
        return STATUS_SUCCESS;
    }
    if (type == REG_EXPAND_SZ && !(e->Flags & RTL_QUERY_REGISTRY_NOEXPAND))
        type = REG_SZ; /* "expanded" with no environment variables defined: the text is unchanged */
    return KrtCallRoutine(e, name, type, data, length, context);
}

/* An entry without a value name: every value of the key goes to its QueryRoutine. */
static NTSTATUS KrtQueryAll(KRT_INSTANCE *inst, KRT_KEY_PLACE place, PRTL_QUERY_REGISTRY_TABLE e, PVOID context)
{
    if (e->Flags & RTL_QUERY_REGISTRY_NOVALUE)
        return KrtCallRoutine(e, e->Name, REG_NONE, NULL, 0, context);
    if (place != KrtPlaceParameters || inst->ParameterCount == 0)
        return (e->Flags & RTL_QUERY_REGISTRY_REQUIRED) ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_SUCCESS;
    for (ULONG i = 0; i < inst->ParameterCount; i++) {
        KRT_REG_VALUE *v = &inst->Parameters[i];
        NTSTATUS s = KrtDeliver(e, v->Name, v->Type, v->Data, v->DataLength, context);
        if (!NT_SUCCESS(s))
            return s;
    }
    if (e->Flags & RTL_QUERY_REGISTRY_DELETE)
        while (inst->ParameterCount > 0)
            KrtRemoveValue(inst, &inst->Parameters[inst->ParameterCount - 1]);
    return STATUS_SUCCESS;
}

/* An entry naming one value: the stored value, else the default, else nothing (or an error if required). */
static NTSTATUS KrtQueryOne(KRT_INSTANCE *inst, KRT_KEY_PLACE place, PRTL_QUERY_REGISTRY_TABLE e, PVOID context)
{
    KRT_REG_VALUE *v = KrtFindValue(inst, place, e->Name, KrtWcsLen(e->Name));
    if (v != NULL) {
        NTSTATUS s = KrtDeliver(e, e->Name, v->Type, v->Data, v->DataLength, context);
        if (NT_SUCCESS(s) && (e->Flags & RTL_QUERY_REGISTRY_DELETE))
            KrtRemoveValue(inst, v);
        return s;
    }
    if (e->Flags & RTL_QUERY_REGISTRY_REQUIRED)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    ULONG type = e->DefaultType;
    if (e->Flags & RTL_QUERY_REGISTRY_TYPECHECK)
        type &= ~(ULONG)RTL_QUERY_REGISTRY_TYPECHECK_MASK; /* the top byte is the expected type */
    if (type == REG_NONE)
        return STATUS_SUCCESS;
    ULONG length = e->DefaultLength;
    if (length == 0 && KrtIsStringType(type) && e->DefaultData != NULL)
        length = KrtDefaultStringBytes(type, (const WCHAR *)e->DefaultData);
    if (e->DefaultData == NULL && length != 0)
        return STATUS_INVALID_PARAMETER;
    return KrtDeliver(e, e->Name, type, e->DefaultData, length, context);
}

NTSTATUS NTAPI RtlQueryRegistryValues(ULONG RelativeTo, PCWSTR Path, PRTL_QUERY_REGISTRY_TABLE QueryTable,
                                      PVOID Context, PVOID Environment)
{
    (void)Environment; /* no environment variables to expand */
    KRT_INSTANCE *inst = g_KrtCur.Instance;
    if (inst == NULL || QueryTable == NULL)
        return STATUS_INVALID_PARAMETER;
    if (g_KrtCur.Irql != PASSIVE_LEVEL)
        KrtReport(2, "RtlQueryRegistryValues", "called at IRQL %u (must be PASSIVE_LEVEL)", g_KrtCur.Irql);

    KRT_KEY_PLACE top;
    ULONG base = RelativeTo & ~(ULONG)(RTL_REGISTRY_HANDLE | RTL_REGISTRY_OPTIONAL);
    if (RelativeTo & RTL_REGISTRY_HANDLE) {
        KRT_KEY *k = KrtFindKey(inst, (HANDLE)Path);
        if (k == NULL) {
            KrtReport(2, "RtlQueryRegistryValues", "RTL_REGISTRY_HANDLE: %p is not an open key handle",
                      (const void *)Path);
            return STATUS_INVALID_HANDLE;
        }
        top = k->Place;
    } else {
        size_t n = Path != NULL ? KrtWcsLen(Path) : 0;
        if (base == RTL_REGISTRY_ABSOLUTE)
            top = KrtResolveAbsolute(inst, Path, n);
        else if (base == RTL_REGISTRY_SERVICES)
            top = KrtWalk(inst, KrtPlaceServices, Path, n);
        else if (base < RTL_REGISTRY_MAXIMUM)
            top = KrtPlaceNowhere; /* Control, WindowsNT, DeviceMap, User: nothing of this driver's there */
        else
            return STATUS_INVALID_PARAMETER;
    }
    if (!KrtIsOpenable(top))
        return (RelativeTo & RTL_REGISTRY_OPTIONAL) ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND;

    KRT_KEY_PLACE cur = top;
    /* The table ends at an entry with neither QueryRoutine nor Name (a bare TOPKEY entry is not the end). */
    for (PRTL_QUERY_REGISTRY_TABLE e = QueryTable;
         e->QueryRoutine != NULL || e->Name != NULL || (e->Flags & RTL_QUERY_REGISTRY_TOPKEY); e++) {
        NTSTATUS s;
        if (e->Flags & RTL_QUERY_REGISTRY_TOPKEY)
            cur = top;
        if (e->Flags & RTL_QUERY_REGISTRY_SUBKEY) {
            if (e->Name == NULL)
                return STATUS_INVALID_PARAMETER;
            cur = KrtWalk(inst, top, e->Name, KrtWcsLen(e->Name)); /* relative to Path, not to cur */
            if (!KrtIsOpenable(cur)) {
                if (e->Flags & RTL_QUERY_REGISTRY_REQUIRED)
                    return STATUS_OBJECT_NAME_NOT_FOUND;
                cur = KrtPlaceNowhere; /* the following entries find no values */
            }
            if (e->QueryRoutine == NULL)
                continue;
            s = KrtQueryAll(inst, cur, e, Context);
        } else if (e->Name == NULL) {
            if (e->QueryRoutine == NULL)
                continue; /* a bare TOPKEY entry */
            if (e->Flags & RTL_QUERY_REGISTRY_DIRECT)
                return STATUS_INVALID_PARAMETER;
            s = KrtQueryAll(inst, cur, e, Context);
        } else {
            if (!(e->Flags & RTL_QUERY_REGISTRY_DIRECT) && e->QueryRoutine == NULL)
                return STATUS_INVALID_PARAMETER;
            s = KrtQueryOne(inst, cur, e, Context);
        }
        if (!NT_SUCCESS(s))
            return s;
    }
    return STATUS_SUCCESS;
}
