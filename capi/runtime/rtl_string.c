/*
 * rtl_string.c - Rtl counted-string, conversion, integer-text, memory and random-number routines.
 *
 * Written from the WDK documentation of each routine; see krt/rtl.h for the locale-dependent choices.
 */
#include <limits.h>
#include <string.h>

#include <ntdef.h>
#include <ntstatus.h>
#include <krt/rtl.h>

#include "krt_rtl_alloc.h"

#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#endif
#ifndef STATUS_SOME_NOT_MAPPED
#define STATUS_SOME_NOT_MAPPED ((NTSTATUS)0x00000107L)
#endif
#ifndef STATUS_BUFFER_OVERFLOW
#define STATUS_BUFFER_OVERFLOW ((NTSTATUS)0x80000005L)
#endif
#ifndef STATUS_INVALID_PARAMETER
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL)
#endif
#ifndef STATUS_NO_MEMORY
#define STATUS_NO_MEMORY ((NTSTATUS)0xC0000017L)
#endif
#ifndef STATUS_BUFFER_TOO_SMALL
#define STATUS_BUFFER_TOO_SMALL ((NTSTATUS)0xC0000023L)
#endif
#ifndef STATUS_INVALID_PARAMETER_2
#define STATUS_INVALID_PARAMETER_2 ((NTSTATUS)0xC00000F0L)
#endif
#ifndef STATUS_INVALID_PARAMETER_4
#define STATUS_INVALID_PARAMETER_4 ((NTSTATUS)0xC00000F2L)
#endif
#ifndef STATUS_INVALID_PARAMETER_5
#define STATUS_INVALID_PARAMETER_5 ((NTSTATUS)0xC00000F3L)
#endif
#ifndef STATUS_NAME_TOO_LONG
#define STATUS_NAME_TOO_LONG ((NTSTATUS)0xC0000106L)
#endif

#define KRT_MAX_USHORT_BYTES 0xFFFFu

static SIZE_T wide_len(PCWSTR s)
{
    SIZE_T n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

/* ======================================================================================
 * Initialisation
 * ====================================================================================== */

VOID NTAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    DestinationString->Buffer = (PWSTR)SourceString;
    if (!SourceString) {
        DestinationString->Length = 0;
        DestinationString->MaximumLength = 0;
        return;
    }
    SIZE_T bytes = wide_len(SourceString) * sizeof(WCHAR);
    /* A USHORT cannot describe more; Windows clamps the same way (longest even Length below 64K). */
    if (bytes > UNICODE_STRING_MAX_BYTES - sizeof(WCHAR)) {
        bytes = UNICODE_STRING_MAX_BYTES - sizeof(WCHAR);
    }
    DestinationString->Length = (USHORT)bytes;
    DestinationString->MaximumLength = (USHORT)(bytes + sizeof(WCHAR));
}

NTSTATUS NTAPI RtlInitUnicodeStringEx(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    if (SourceString && wide_len(SourceString) * sizeof(WCHAR) > UNICODE_STRING_MAX_BYTES - sizeof(WCHAR)) {
        return STATUS_NAME_TOO_LONG;
    }
    RtlInitUnicodeString(DestinationString, SourceString);
    return STATUS_SUCCESS;
}

static void init_narrow(PSTRING Dest, PCSZ Src)
{
    Dest->Buffer = (PCHAR)Src;
    if (!Src) {
        Dest->Length = 0;
        Dest->MaximumLength = 0;
        return;
    }
    SIZE_T n = strlen(Src);
    if (n > KRT_MAX_USHORT_BYTES - 1) {
        n = KRT_MAX_USHORT_BYTES - 1;
    }
    Dest->Length = (USHORT)n;
    Dest->MaximumLength = (USHORT)(n + 1);
}

static NTSTATUS init_narrow_ex(PSTRING Dest, PCSZ Src)
{
    if (Src && strlen(Src) > KRT_MAX_USHORT_BYTES - 1) {
        return STATUS_NAME_TOO_LONG;
    }
    init_narrow(Dest, Src);
    return STATUS_SUCCESS;
}

VOID NTAPI RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString)
{
    init_narrow(DestinationString, SourceString);
}
NTSTATUS NTAPI RtlInitAnsiStringEx(PANSI_STRING DestinationString, PCSZ SourceString)
{
    return init_narrow_ex(DestinationString, SourceString);
}
VOID NTAPI RtlInitString(PSTRING DestinationString, PCSZ SourceString)
{
    init_narrow(DestinationString, SourceString);
}
NTSTATUS NTAPI RtlInitStringEx(PSTRING DestinationString, PCSZ SourceString)
{
    return init_narrow_ex(DestinationString, SourceString);
}
VOID NTAPI RtlInitUTF8String(PUTF8_STRING DestinationString, PCSZ SourceString)
{
    init_narrow(DestinationString, SourceString);
}
NTSTATUS NTAPI RtlInitUTF8StringEx(PUTF8_STRING DestinationString, PCSZ SourceString)
{
    return init_narrow_ex(DestinationString, SourceString);
}

/* ======================================================================================
 * Copying and appending
 * ====================================================================================== */

VOID NTAPI RtlCopyUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    if (!SourceString || !SourceString->Buffer) {
        DestinationString->Length = 0;
        return;
    }
    USHORT n = SourceString->Length;
    if (n > DestinationString->MaximumLength) {
        n = DestinationString->MaximumLength;
    }
    n &= (USHORT)~1u;
    memmove(DestinationString->Buffer, SourceString->Buffer, n);
    DestinationString->Length = n;
    if ((SIZE_T)n + sizeof(WCHAR) <= DestinationString->MaximumLength) {
        DestinationString->Buffer[n / sizeof(WCHAR)] = UNICODE_NULL;
    }
}

VOID NTAPI RtlCopyString(PSTRING DestinationString, const STRING *SourceString)
{
    if (!SourceString || !SourceString->Buffer) {
        DestinationString->Length = 0;
        return;
    }
    USHORT n = SourceString->Length;
    if (n > DestinationString->MaximumLength) {
        n = DestinationString->MaximumLength;
    }
    memmove(DestinationString->Buffer, SourceString->Buffer, n);
    DestinationString->Length = n;
    if (n < DestinationString->MaximumLength) {
        DestinationString->Buffer[n] = ANSI_NULL;
    }
}

static NTSTATUS append_wide(PUNICODE_STRING Dest, const WCHAR *src, SIZE_T bytes)
{
    if (bytes == 0) {
        return STATUS_SUCCESS;
    }
    if ((SIZE_T)Dest->Length + bytes > Dest->MaximumLength) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    memmove((PUCHAR)Dest->Buffer + Dest->Length, src, bytes);
    Dest->Length = (USHORT)(Dest->Length + bytes);
    if ((SIZE_T)Dest->Length + sizeof(WCHAR) <= Dest->MaximumLength) {
        Dest->Buffer[Dest->Length / sizeof(WCHAR)] = UNICODE_NULL;
    }
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlAppendUnicodeToString(PUNICODE_STRING Destination, PCWSTR Source)
{
    if (!Source) {
        return STATUS_SUCCESS;
    }
    return append_wide(Destination, Source, wide_len(Source) * sizeof(WCHAR));
}

NTSTATUS NTAPI RtlAppendUnicodeStringToString(PUNICODE_STRING Destination, PCUNICODE_STRING Source)
{
    if (!Source || Source->Length == 0) {
        return STATUS_SUCCESS;
    }
    return append_wide(Destination, Source->Buffer, Source->Length);
}

static NTSTATUS append_narrow(PSTRING Dest, const char *src, SIZE_T n)
{
    if (n == 0) {
        return STATUS_SUCCESS;
    }
    if ((SIZE_T)Dest->Length + n > Dest->MaximumLength) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    memmove(Dest->Buffer + Dest->Length, src, n);
    Dest->Length = (USHORT)(Dest->Length + n);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlAppendStringToString(PSTRING Destination, const STRING *Source)
{
    if (!Source || Source->Length == 0) {
        return STATUS_SUCCESS;
    }
    return append_narrow(Destination, Source->Buffer, Source->Length);
}

NTSTATUS NTAPI RtlAppendAsciizToString(PSTRING Destination, PCSZ Source)
{
    if (!Source) {
        return STATUS_SUCCESS;
    }
    return append_narrow(Destination, Source, strlen(Source));
}

/* ======================================================================================
 * Case mapping
 * ====================================================================================== */

WCHAR NTAPI RtlUpcaseUnicodeChar(WCHAR c)
{
    unsigned u = c;
    if (u < 'a') {
        return c;
    }
    if (u <= 'z') {
        return (WCHAR)(u - 0x20);
    }
    if (u < 0xB5) {
        return c;
    }
    if (u == 0xB5) {
        return (WCHAR)0x39C; /* MICRO SIGN -> GREEK CAPITAL MU */
    }
    if (u >= 0xE0 && u <= 0xFE && u != 0xF7) {
        return (WCHAR)(u - 0x20);
    }
    if (u == 0xFF) {
        return (WCHAR)0x178;
    }
    if (u >= 0x100 && u <= 0x17F) {
        /* Latin Extended-A: alternating capital/small pairs, with the parity flipping in two ranges. */
        if ((u >= 0x100 && u <= 0x12F) || (u >= 0x132 && u <= 0x137) || (u >= 0x14A && u <= 0x177)) {
            return (WCHAR)(u & ~1u);
        }
        if ((u >= 0x139 && u <= 0x148) || (u >= 0x179 && u <= 0x17E)) {
            return (WCHAR)((u & 1u) ? u : u - 1);
        }
        return c;
    }
    if (u >= 0x3AC && u <= 0x3CE) {
        if (u == 0x3AC) {
            return (WCHAR)0x386;
        }
        if (u >= 0x3AD && u <= 0x3AF) {
            return (WCHAR)(u - 0x25);
        }
        if (u >= 0x3B1 && u <= 0x3CB) {
            return (WCHAR)(u == 0x3C2 ? 0x3A3 : u - 0x20);
        }
        if (u == 0x3CC) {
            return (WCHAR)0x38C;
        }
        if (u == 0x3CD || u == 0x3CE) {
            return (WCHAR)(u - 0x3F);
        }
        return c;
    }
    if (u >= 0x430 && u <= 0x44F) {
        return (WCHAR)(u - 0x20);
    }
    if (u >= 0x450 && u <= 0x45F) {
        return (WCHAR)(u - 0x50);
    }
    if (u >= 0x460 && u <= 0x481) {
        return (WCHAR)(u & ~1u);
    }
    if (u >= 0xFF41 && u <= 0xFF5A) {
        return (WCHAR)(u - 0x20);
    }
    return c;
}

WCHAR NTAPI RtlDowncaseUnicodeChar(WCHAR c)
{
    unsigned u = c;
    if (u < 'A') {
        return c;
    }
    if (u <= 'Z') {
        return (WCHAR)(u + 0x20);
    }
    if (u < 0xC0) {
        return c;
    }
    if (u <= 0xDE && u != 0xD7) {
        return (WCHAR)(u + 0x20);
    }
    if (u >= 0x100 && u <= 0x17F) {
        if ((u >= 0x100 && u <= 0x12F) || (u >= 0x132 && u <= 0x137) || (u >= 0x14A && u <= 0x177)) {
            return (WCHAR)(u | 1u);
        }
        if ((u >= 0x139 && u <= 0x148) || (u >= 0x179 && u <= 0x17E)) {
            return (WCHAR)((u & 1u) ? u + 1 : u);
        }
        if (u == 0x178) {
            return (WCHAR)0xFF;
        }
        return c;
    }
    if (u >= 0x386 && u <= 0x3AB) {
        if (u == 0x386) {
            return (WCHAR)0x3AC;
        }
        if (u >= 0x388 && u <= 0x38A) {
            return (WCHAR)(u + 0x25);
        }
        if (u == 0x38C) {
            return (WCHAR)0x3CC;
        }
        if (u == 0x38E || u == 0x38F) {
            return (WCHAR)(u + 0x3F);
        }
        if (u >= 0x391 && u <= 0x3AB && u != 0x3A2) {
            return (WCHAR)(u + 0x20);
        }
        return c;
    }
    if (u >= 0x400 && u <= 0x40F) {
        return (WCHAR)(u + 0x50);
    }
    if (u >= 0x410 && u <= 0x42F) {
        return (WCHAR)(u + 0x20);
    }
    if (u >= 0x460 && u <= 0x481) {
        return (WCHAR)(u | 1u);
    }
    if (u >= 0xFF21 && u <= 0xFF3A) {
        return (WCHAR)(u + 0x20);
    }
    return c;
}

CHAR NTAPI RtlUpperChar(CHAR Character)
{
    if (Character >= 'a' && Character <= 'z') {
        return (CHAR)(Character - 0x20);
    }
    return Character;
}

static NTSTATUS map_case(PUNICODE_STRING Dest, PCUNICODE_STRING Src, BOOLEAN Allocate, WCHAR (NTAPI *fn)(WCHAR))
{
    USHORT len = Src->Length & (USHORT)~1u;
    if (Allocate) {
        PWSTR buf = (PWSTR)KrtRtlAlloc(len ? len : sizeof(WCHAR));
        if (!buf) {
            return STATUS_NO_MEMORY;
        }
        Dest->Buffer = buf;
        Dest->MaximumLength = len;
    } else if (Dest->MaximumLength < len) {
        return STATUS_BUFFER_OVERFLOW;
    }
    for (USHORT i = 0; i < len / sizeof(WCHAR); i++) {
        Dest->Buffer[i] = fn(Src->Buffer[i]);
    }
    Dest->Length = len;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlUpcaseUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString,
                                      BOOLEAN AllocateDestinationString)
{
    return map_case(DestinationString, SourceString, AllocateDestinationString, RtlUpcaseUnicodeChar);
}

NTSTATUS NTAPI RtlDowncaseUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString,
                                        BOOLEAN AllocateDestinationString)
{
    return map_case(DestinationString, SourceString, AllocateDestinationString, RtlDowncaseUnicodeChar);
}

VOID NTAPI RtlUpperString(PSTRING DestinationString, const STRING *SourceString)
{
    USHORT n = SourceString->Length;
    if (n > DestinationString->MaximumLength) {
        n = DestinationString->MaximumLength;
    }
    for (USHORT i = 0; i < n; i++) {
        DestinationString->Buffer[i] = RtlUpperChar(SourceString->Buffer[i]);
    }
    DestinationString->Length = n;
}

/* ======================================================================================
 * Comparison
 * ====================================================================================== */

LONG NTAPI RtlCompareUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2, BOOLEAN CaseInSensitive)
{
    SIZE_T n1 = String1->Length / sizeof(WCHAR), n2 = String2->Length / sizeof(WCHAR);
    SIZE_T n = n1 < n2 ? n1 : n2;
    for (SIZE_T i = 0; i < n; i++) {
        WCHAR a = String1->Buffer[i], b = String2->Buffer[i];
        if (CaseInSensitive) {
            a = RtlUpcaseUnicodeChar(a);
            b = RtlUpcaseUnicodeChar(b);
        }
        if (a != b) {
            return (LONG)a - (LONG)b;
        }
    }
    return (LONG)n1 - (LONG)n2;
}

BOOLEAN NTAPI RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2, BOOLEAN CaseInSensitive)
{
    if (String1->Length != String2->Length) {
        return FALSE;
    }
    return RtlCompareUnicodeString(String1, String2, CaseInSensitive) == 0;
}

BOOLEAN NTAPI RtlPrefixUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2, BOOLEAN CaseInSensitive)
{
    if (String1->Length > String2->Length) {
        return FALSE;
    }
    for (SIZE_T i = 0; i < String1->Length / sizeof(WCHAR); i++) {
        WCHAR a = String1->Buffer[i], b = String2->Buffer[i];
        if (CaseInSensitive) {
            a = RtlUpcaseUnicodeChar(a);
            b = RtlUpcaseUnicodeChar(b);
        }
        if (a != b) {
            return FALSE;
        }
    }
    return TRUE;
}

static UCHAR narrow_fold(UCHAR c, BOOLEAN ci)
{
    return ci ? (UCHAR)RtlUpperChar((CHAR)c) : c;
}

LONG NTAPI RtlCompareString(const STRING *String1, const STRING *String2, BOOLEAN CaseInSensitive)
{
    SIZE_T n = String1->Length < String2->Length ? String1->Length : String2->Length;
    for (SIZE_T i = 0; i < n; i++) {
        UCHAR a = narrow_fold((UCHAR)String1->Buffer[i], CaseInSensitive);
        UCHAR b = narrow_fold((UCHAR)String2->Buffer[i], CaseInSensitive);
        if (a != b) {
            return (LONG)a - (LONG)b;
        }
    }
    return (LONG)String1->Length - (LONG)String2->Length;
}

BOOLEAN NTAPI RtlEqualString(const STRING *String1, const STRING *String2, BOOLEAN CaseInSensitive)
{
    if (String1->Length != String2->Length) {
        return FALSE;
    }
    return RtlCompareString(String1, String2, CaseInSensitive) == 0;
}

BOOLEAN NTAPI RtlPrefixString(const STRING *String1, const STRING *String2, BOOLEAN CaseInSensitive)
{
    if (String1->Length > String2->Length) {
        return FALSE;
    }
    for (SIZE_T i = 0; i < String1->Length; i++) {
        if (narrow_fold((UCHAR)String1->Buffer[i], CaseInSensitive) !=
            narrow_fold((UCHAR)String2->Buffer[i], CaseInSensitive)) {
            return FALSE;
        }
    }
    return TRUE;
}

/* ======================================================================================
 * Allocation and release
 * ====================================================================================== */

VOID NTAPI RtlFreeUnicodeString(PUNICODE_STRING UnicodeString)
{
    if (!UnicodeString) {
        return;
    }
    KrtRtlFree(UnicodeString->Buffer);
    UnicodeString->Buffer = NULL;
    UnicodeString->Length = 0;
    UnicodeString->MaximumLength = 0;
}

static void free_narrow(PSTRING s)
{
    if (!s) {
        return;
    }
    KrtRtlFree(s->Buffer);
    s->Buffer = NULL;
    s->Length = 0;
    s->MaximumLength = 0;
}

VOID NTAPI RtlFreeAnsiString(PANSI_STRING AnsiString)
{
    free_narrow(AnsiString);
}

VOID NTAPI RtlFreeUTF8String(PUTF8_STRING Utf8String)
{
    free_narrow(Utf8String);
}

BOOLEAN NTAPI RtlCreateUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    SIZE_T bytes = (wide_len(SourceString) + 1) * sizeof(WCHAR);
    if (bytes > UNICODE_STRING_MAX_BYTES) {
        return FALSE;
    }
    PWSTR buf = (PWSTR)KrtRtlAlloc(bytes);
    if (!buf) {
        return FALSE;
    }
    memcpy(buf, SourceString, bytes);
    DestinationString->Buffer = buf;
    DestinationString->Length = (USHORT)(bytes - sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)bytes;
    return TRUE;
}

NTSTATUS NTAPI RtlDuplicateUnicodeString(ULONG Flags, PCUNICODE_STRING StringIn, PUNICODE_STRING StringOut)
{
    const ULONG valid = RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE | RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING;
    if ((Flags & ~valid) || !StringIn || !StringOut || (StringIn->Length & 1) ||
        StringIn->Length > StringIn->MaximumLength || (StringIn->Length && !StringIn->Buffer)) {
        return STATUS_INVALID_PARAMETER;
    }
    if (StringIn->Length == 0 && !(Flags & RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING)) {
        StringOut->Length = 0;
        StringOut->MaximumLength = 0;
        StringOut->Buffer = NULL;
        return STATUS_SUCCESS;
    }
    SIZE_T need = StringIn->Length + ((Flags & RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE) ? sizeof(WCHAR) : 0);
    if (need > UNICODE_STRING_MAX_BYTES) {
        return STATUS_NAME_TOO_LONG;
    }
    PWSTR buf = (PWSTR)KrtRtlAlloc(need ? need : sizeof(WCHAR));
    if (!buf) {
        return STATUS_NO_MEMORY;
    }
    if (StringIn->Length) {
        memcpy(buf, StringIn->Buffer, StringIn->Length);
    }
    if (Flags & RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE) {
        buf[StringIn->Length / sizeof(WCHAR)] = UNICODE_NULL;
    }
    StringOut->Buffer = buf;
    StringOut->Length = StringIn->Length;
    StringOut->MaximumLength = (USHORT)need;
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * ANSI (ISO-8859-1) conversions
 * ====================================================================================== */

ULONG NTAPI RtlxUnicodeStringToAnsiSize(PCUNICODE_STRING UnicodeString)
{
    return UnicodeString->Length / sizeof(WCHAR) + 1;
}

ULONG NTAPI RtlxAnsiStringToUnicodeSize(PCANSI_STRING AnsiString)
{
    return ((ULONG)AnsiString->Length + 1) * sizeof(WCHAR);
}

NTSTATUS NTAPI RtlUnicodeStringToAnsiString(PANSI_STRING DestinationString, PCUNICODE_STRING SourceString,
                                            BOOLEAN AllocateDestinationString)
{
    SIZE_T chars = SourceString->Length / sizeof(WCHAR);
    SIZE_T need = chars + 1;
    NTSTATUS status = STATUS_SUCCESS;
    if (need > KRT_MAX_USHORT_BYTES) {
        return STATUS_INVALID_PARAMETER_2;
    }
    if (AllocateDestinationString) {
        PCHAR buf = (PCHAR)KrtRtlAlloc(need);
        if (!buf) {
            return STATUS_NO_MEMORY;
        }
        DestinationString->Buffer = buf;
        DestinationString->MaximumLength = (USHORT)need;
    } else if (need > DestinationString->MaximumLength) {
        /* Convert what fits (leaving room for the terminator) and report the overflow. */
        if (DestinationString->MaximumLength == 0) {
            return STATUS_BUFFER_OVERFLOW;
        }
        status = STATUS_BUFFER_OVERFLOW;
        chars = DestinationString->MaximumLength - 1u;
    }
    for (SIZE_T i = 0; i < chars; i++) {
        WCHAR c = SourceString->Buffer[i];
        DestinationString->Buffer[i] = (CHAR)(c <= 0xFF ? c : '?');
    }
    DestinationString->Buffer[chars] = ANSI_NULL;
    DestinationString->Length = (USHORT)chars;
    return status;
}

NTSTATUS NTAPI RtlAnsiStringToUnicodeString(PUNICODE_STRING DestinationString, PCANSI_STRING SourceString,
                                            BOOLEAN AllocateDestinationString)
{
    SIZE_T chars = SourceString->Length;
    SIZE_T need = (chars + 1) * sizeof(WCHAR);
    if (need > UNICODE_STRING_MAX_BYTES) {
        return STATUS_INVALID_PARAMETER_2;
    }
    if (AllocateDestinationString) {
        PWSTR buf = (PWSTR)KrtRtlAlloc(need);
        if (!buf) {
            return STATUS_NO_MEMORY;
        }
        DestinationString->Buffer = buf;
        DestinationString->MaximumLength = (USHORT)need;
    } else if (need > DestinationString->MaximumLength) {
        return STATUS_BUFFER_OVERFLOW;
    }
    for (SIZE_T i = 0; i < chars; i++) {
        DestinationString->Buffer[i] = (WCHAR)(UCHAR)SourceString->Buffer[i];
    }
    DestinationString->Buffer[chars] = UNICODE_NULL;
    DestinationString->Length = (USHORT)(chars * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * UTF-8 <-> UTF-16
 * ====================================================================================== */

#define KRT_REPLACEMENT_CHAR 0xFFFDu

/* Encodes one scalar value; returns the number of bytes (1-4). */
static ULONG utf8_encode(ULONG cp, UCHAR out[4])
{
    if (cp < 0x80) {
        out[0] = (UCHAR)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (UCHAR)(0xC0 | (cp >> 6));
        out[1] = (UCHAR)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (UCHAR)(0xE0 | (cp >> 12));
        out[1] = (UCHAR)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (UCHAR)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (UCHAR)(0xF0 | (cp >> 18));
    out[1] = (UCHAR)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (UCHAR)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (UCHAR)(0x80 | (cp & 0x3F));
    return 4;
}

NTSTATUS NTAPI RtlUnicodeToUTF8N(PCHAR UTF8StringDestination, ULONG UTF8StringMaxByteCount,
                                 PULONG UTF8StringActualByteCount, PCWCH UnicodeStringSource,
                                 ULONG UnicodeStringByteCount)
{
    if (!UnicodeStringSource) {
        return STATUS_INVALID_PARAMETER_4;
    }
    if (!UTF8StringDestination && !UTF8StringActualByteCount) {
        return STATUS_INVALID_PARAMETER;
    }
    if (UTF8StringDestination && (UnicodeStringByteCount % sizeof(WCHAR))) {
        return STATUS_INVALID_PARAMETER_5;
    }
    ULONG units = UnicodeStringByteCount / sizeof(WCHAR);
    ULONG written = 0;
    NTSTATUS status = STATUS_SUCCESS;
    for (ULONG i = 0; i < units; i++) {
        ULONG cp = UnicodeStringSource[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < units && UnicodeStringSource[i + 1] >= 0xDC00 &&
            UnicodeStringSource[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (UnicodeStringSource[i + 1] - 0xDC00u);
            i++;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = KRT_REPLACEMENT_CHAR;
            status = STATUS_SOME_NOT_MAPPED;
        }
        UCHAR enc[4];
        ULONG n = utf8_encode(cp, enc);
        if (UTF8StringDestination) {
            if (written + n > UTF8StringMaxByteCount) {
                status = STATUS_BUFFER_TOO_SMALL;
                break;
            }
            memcpy(UTF8StringDestination + written, enc, n);
        }
        written += n;
    }
    if (UTF8StringActualByteCount) {
        *UTF8StringActualByteCount = written;
    }
    return status;
}

/* Decodes one UTF-8 sequence starting at s[0] (n bytes available). Sets *cp (U+FFFD when the sequence
 * is malformed: bad lead byte, truncated, overlong, surrogate or beyond U+10FFFF) and returns the
 * number of bytes consumed (at least 1). */
static ULONG utf8_decode(const UCHAR *s, ULONG n, ULONG *cp, BOOLEAN *bad)
{
    UCHAR b = s[0];
    ULONG need, value, min;
    *bad = FALSE;
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
        value = b & 0x1Fu;
        min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        value = b & 0x0Fu;
        min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        value = b & 0x07u;
        min = 0x10000;
    } else {
        *cp = KRT_REPLACEMENT_CHAR;
        *bad = TRUE;
        return 1;
    }
    ULONG i;
    for (i = 1; i <= need; i++) {
        if (i >= n || (s[i] & 0xC0) != 0x80) {
            *cp = KRT_REPLACEMENT_CHAR;
            *bad = TRUE;
            return i;
        }
        value = (value << 6) | (s[i] & 0x3Fu);
    }
    if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        *cp = KRT_REPLACEMENT_CHAR;
        *bad = TRUE;
        return i;
    }
    *cp = value;
    return i;
}

NTSTATUS NTAPI RtlUTF8ToUnicodeN(PWSTR UnicodeStringDestination, ULONG UnicodeStringMaxByteCount,
                                 PULONG UnicodeStringActualByteCount, PCCH UTF8StringSource, ULONG UTF8StringByteCount)
{
    if (!UTF8StringSource) {
        return STATUS_INVALID_PARAMETER_4;
    }
    if (!UnicodeStringDestination && !UnicodeStringActualByteCount) {
        return STATUS_INVALID_PARAMETER;
    }
    const UCHAR *src = (const UCHAR *)UTF8StringSource;
    ULONG pos = 0, written = 0;
    NTSTATUS status = STATUS_SUCCESS;
    while (pos < UTF8StringByteCount) {
        ULONG cp;
        BOOLEAN bad;
        ULONG used = utf8_decode(src + pos, UTF8StringByteCount - pos, &cp, &bad);
        WCHAR units[2];
        ULONG n;
        if (cp >= 0x10000) {
            units[0] = (WCHAR)(0xD800 + ((cp - 0x10000) >> 10));
            units[1] = (WCHAR)(0xDC00 + ((cp - 0x10000) & 0x3FF));
            n = 2;
        } else {
            units[0] = (WCHAR)cp;
            n = 1;
        }
        if (UnicodeStringDestination) {
            if (written + n * sizeof(WCHAR) > UnicodeStringMaxByteCount) {
                status = STATUS_BUFFER_TOO_SMALL;
                break;
            }
            memcpy((PUCHAR)UnicodeStringDestination + written, units, n * sizeof(WCHAR));
        }
        if (bad) {
            status = STATUS_SOME_NOT_MAPPED;
        }
        written += n * (ULONG)sizeof(WCHAR);
        pos += used;
    }
    if (UnicodeStringActualByteCount) {
        *UnicodeStringActualByteCount = written;
    }
    return status;
}

NTSTATUS NTAPI RtlUnicodeStringToUTF8String(PUTF8_STRING DestinationString, PCUNICODE_STRING SourceString,
                                            BOOLEAN AllocateDestinationString)
{
    ULONG need = 0;
    NTSTATUS status = RtlUnicodeToUTF8N(NULL, 0, &need, SourceString->Buffer ? SourceString->Buffer : L"",
                                        SourceString->Length & ~1u);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    if (need + 1 > KRT_MAX_USHORT_BYTES) {
        return STATUS_INVALID_PARAMETER_2;
    }
    if (AllocateDestinationString) {
        PCHAR buf = (PCHAR)KrtRtlAlloc(need + 1);
        if (!buf) {
            return STATUS_NO_MEMORY;
        }
        DestinationString->Buffer = buf;
        DestinationString->MaximumLength = (USHORT)(need + 1);
    } else if (need + 1 > DestinationString->MaximumLength) {
        return STATUS_BUFFER_OVERFLOW;
    }
    ULONG got = 0;
    status = RtlUnicodeToUTF8N(DestinationString->Buffer, need, &got,
                               SourceString->Buffer ? SourceString->Buffer : L"", SourceString->Length & ~1u);
    DestinationString->Buffer[got] = ANSI_NULL;
    DestinationString->Length = (USHORT)got;
    return status;
}

NTSTATUS NTAPI RtlUTF8StringToUnicodeString(PUNICODE_STRING DestinationString, PCUTF8_STRING SourceString,
                                            BOOLEAN AllocateDestinationString)
{
    ULONG need = 0;
    NTSTATUS status = RtlUTF8ToUnicodeN(NULL, 0, &need, SourceString->Buffer ? SourceString->Buffer : "",
                                        SourceString->Length);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    if (need + sizeof(WCHAR) > UNICODE_STRING_MAX_BYTES) {
        return STATUS_INVALID_PARAMETER_2;
    }
    if (AllocateDestinationString) {
        PWSTR buf = (PWSTR)KrtRtlAlloc(need + sizeof(WCHAR));
        if (!buf) {
            return STATUS_NO_MEMORY;
        }
        DestinationString->Buffer = buf;
        DestinationString->MaximumLength = (USHORT)(need + sizeof(WCHAR));
    } else if (need + sizeof(WCHAR) > DestinationString->MaximumLength) {
        return STATUS_BUFFER_OVERFLOW;
    }
    ULONG got = 0;
    status = RtlUTF8ToUnicodeN(DestinationString->Buffer, need, &got, SourceString->Buffer ? SourceString->Buffer : "",
                               SourceString->Length);
    DestinationString->Buffer[got / sizeof(WCHAR)] = UNICODE_NULL;
    DestinationString->Length = (USHORT)got;
    return status;
}

/* ======================================================================================
 * Integers and text
 * ====================================================================================== */

static int digit_value(ULONG c)
{
    if (c >= '0' && c <= '9') {
        return (int)(c - '0');
    }
    if (c >= 'a' && c <= 'z') {
        return (int)(c - 'a' + 10);
    }
    if (c >= 'A' && c <= 'Z') {
        return (int)(c - 'A' + 10);
    }
    return 99;
}

/* Shared parser for RtlCharToInteger / RtlUnicodeStringToInteger over n code units fetched by at().
 * Leading white space (anything <= ' ') is skipped, then an optional sign; with Base 0 a prefix 0x, 0o
 * or 0b selects 16, 8 or 2 (otherwise 10). Conversion stops at the first character that is not a digit
 * of the base; the value wraps modulo 2^32 and a '-' negates it. */
static NTSTATUS parse_integer(const void *s, SIZE_T n, int wide, ULONG Base, PULONG Value)
{
#define AT(i) (wide ? (ULONG)((const WCHAR *)s)[i] : (ULONG)((const UCHAR *)s)[i])
    SIZE_T i = 0;
    int negative = 0;
    if (Base != 0 && Base != 2 && Base != 8 && Base != 10 && Base != 16) {
        return STATUS_INVALID_PARAMETER;
    }
    if (!Value) {
        return STATUS_INVALID_PARAMETER;
    }
    while (i < n && AT(i) != 0 && AT(i) <= ' ') {
        i++;
    }
    if (i < n && (AT(i) == '+' || AT(i) == '-')) {
        negative = AT(i) == '-';
        i++;
    }
    if (Base == 0) {
        Base = 10;
        if (i + 1 < n && AT(i) == '0') {
            ULONG p = AT(i + 1);
            if (p == 'x' || p == 'X') {
                Base = 16;
                i += 2;
            } else if (p == 'o' || p == 'O') {
                Base = 8;
                i += 2;
            } else if (p == 'b' || p == 'B') {
                Base = 2;
                i += 2;
            }
        }
    }
    ULONG v = 0;
    for (; i < n; i++) {
        int d = digit_value(AT(i));
        if (d >= (int)Base) {
            break;
        }
        v = v * Base + (ULONG)d;
    }
    *Value = negative ? (ULONG)(0u - v) : v;
    return STATUS_SUCCESS;
#undef AT
}

NTSTATUS NTAPI RtlCharToInteger(PCSZ String, ULONG Base, PULONG Value)
{
    if (!String) {
        return STATUS_INVALID_PARAMETER;
    }
    return parse_integer(String, strlen(String), 0, Base, Value);
}

NTSTATUS NTAPI RtlUnicodeStringToInteger(PCUNICODE_STRING String, ULONG Base, PULONG Value)
{
    if (!String) {
        return STATUS_INVALID_PARAMETER;
    }
    return parse_integer(String->Buffer, String->Buffer ? String->Length / sizeof(WCHAR) : 0, 1, Base, Value);
}

/* Renders v in base (2, 8, 10, 16; 0 means 10) into out (upper-case digits); returns digit count or 0
 * for an invalid base. */
static int render_integer(ULONGLONG v, ULONG Base, char out[65])
{
    static const char digits[] = "0123456789ABCDEF";
    char tmp[65];
    int n = 0;
    if (Base == 0) {
        Base = 10;
    }
    if (Base != 2 && Base != 8 && Base != 10 && Base != 16) {
        return 0;
    }
    do {
        tmp[n++] = digits[v % Base];
        v /= Base;
    } while (v);
    for (int i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    out[n] = 0;
    return n;
}

NTSTATUS NTAPI RtlIntegerToChar(ULONG Value, ULONG Base, LONG OutputLength, PSZ String)
{
    char text[65];
    int n = render_integer(Value, Base, text);
    if (n == 0) {
        return STATUS_INVALID_PARAMETER;
    }
    /* A negative OutputLength means "large enough"; the terminator is written only when it fits. */
    if (OutputLength >= 0 && n > OutputLength) {
        return STATUS_BUFFER_OVERFLOW;
    }
    memcpy(String, text, (size_t)n);
    if (OutputLength < 0 || n < OutputLength) {
        String[n] = 0;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS integer_to_unicode(ULONGLONG Value, ULONG Base, PUNICODE_STRING String)
{
    char text[65];
    int n = render_integer(Value, Base, text);
    if (n == 0) {
        return STATUS_INVALID_PARAMETER;
    }
    if ((SIZE_T)(n + 1) * sizeof(WCHAR) > String->MaximumLength) {
        return STATUS_BUFFER_OVERFLOW;
    }
    for (int i = 0; i <= n; i++) {
        String->Buffer[i] = (WCHAR)(UCHAR)text[i];
    }
    String->Length = (USHORT)(n * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlIntegerToUnicodeString(ULONG Value, ULONG Base, PUNICODE_STRING String)
{
    return integer_to_unicode(Value, Base, String);
}

NTSTATUS NTAPI RtlInt64ToUnicodeString(ULONGLONG Value, ULONG Base, PUNICODE_STRING String)
{
    return integer_to_unicode(Value, Base, String);
}

/* ======================================================================================
 * Memory
 * ====================================================================================== */

SIZE_T NTAPI RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length)
{
    const UCHAR *a = (const UCHAR *)Source1, *b = (const UCHAR *)Source2;
    SIZE_T i = 0;
    while (i < Length && a[i] == b[i]) {
        i++;
    }
    return i;
}

SIZE_T NTAPI RtlCompareMemoryUlong(PVOID Source, SIZE_T Length, ULONG Pattern)
{
    const UCHAR *p = (const UCHAR *)Source;
    SIZE_T matched = 0;
    Length &= ~(SIZE_T)(sizeof(ULONG) - 1);
    while (matched < Length) {
        ULONG v;
        memcpy(&v, p + matched, sizeof v);
        if (v != Pattern) {
            break;
        }
        matched += sizeof(ULONG);
    }
    return matched;
}

/* ======================================================================================
 * Pseudo-random numbers
 *
 * RtlUniform is documented as a linear congruential generator returning values in [0, MAXLONG - 1]
 * and updating *Seed. RtlRandom / RtlRandomEx are documented as "better" generators over the same
 * range; here they mix two RtlUniform steps so that every result is still a pure function of the seed
 * (Windows keeps a process-wide shuffle table instead, which would make nodes depend on each other).
 * ====================================================================================== */

#define KRT_LCG_MUL 0x7fffffedull
#define KRT_LCG_ADD 0x7fffffc3ull
#define KRT_LCG_MOD 0x7fffffffull

ULONG NTAPI RtlUniform(PULONG Seed)
{
    ULONGLONG next = ((ULONGLONG)*Seed * KRT_LCG_MUL + KRT_LCG_ADD) % KRT_LCG_MOD;
    *Seed = (ULONG)next;
    return (ULONG)next;
}

ULONG NTAPI RtlRandomEx(PULONG Seed)
{
    ULONG a = RtlUniform(Seed);
    ULONG b = RtlUniform(Seed);
    /* Combine the two draws (high bits of one, rotated bits of the other) and fold into range. */
    ULONGLONG mixed = ((ULONGLONG)a << 16) ^ (ULONGLONG)b ^ ((ULONGLONG)b >> 13);
    return (ULONG)(mixed % KRT_LCG_MOD);
}

ULONG NTAPI RtlRandom(PULONG Seed)
{
    return RtlRandomEx(Seed);
}
