/*
 * strsafe.c - the ntstrsafe.h functions (RtlString*, RtlUnicodeString*), written from the WDK
 * documentation of their results and dwFlags.
 *
 * Every A/W and Cch/Cb flavour funnels into a few generic cores that work on either character width;
 * Cb variants convert byte counts to characters (rounding down) and report remaining space in bytes.
 */
#include <stdarg.h>
#include <string.h>

#include <ntdef.h>
#include <ntstatus.h>
#include <ntstrsafe.h>

#include "krt_format.h"

#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#endif
#ifndef STATUS_BUFFER_OVERFLOW
#define STATUS_BUFFER_OVERFLOW ((NTSTATUS)0x80000005L)
#endif
#ifndef STATUS_INVALID_PARAMETER
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL)
#endif

#define NO_LIMIT ((size_t)-1)

/* ---------------------------------------------------------------------------------------------
 * Character access for either width
 * --------------------------------------------------------------------------------------------- */

static size_t unit_size(int wide)
{
    return wide ? sizeof(WCHAR) : sizeof(char);
}

static unsigned get_u(const void *p, int wide, size_t i)
{
    return wide ? (unsigned)((const WCHAR *)p)[i] : (unsigned)((const unsigned char *)p)[i];
}

static void set_u(void *p, int wide, size_t i, unsigned v)
{
    if (wide) {
        ((WCHAR *)p)[i] = (WCHAR)v;
    } else {
        ((char *)p)[i] = (char)v;
    }
}

static void *unit_ptr(void *p, int wide, size_t i)
{
    return (char *)p + i * unit_size(wide);
}

/* Length of p, looking at no more than max units; returns max when no NUL was found. */
static size_t bounded_len(const void *p, int wide, size_t max)
{
    size_t n = 0;
    while (n < max && get_u(p, wide, n) != 0) {
        n++;
    }
    return n;
}

static const WCHAR empty_w[1] = {0};
static const char empty_a[1] = {0};

/* ---------------------------------------------------------------------------------------------
 * Destination checks and the Ex flag handling shared by all C-string operations
 * --------------------------------------------------------------------------------------------- */

static NTSTATUS validate_dest(const void *dest, size_t cchDest, DWORD flags)
{
    if (flags & ~(DWORD)STRSAFE_VALID_FLAGS) {
        return STATUS_INVALID_PARAMETER;
    }
    if (cchDest > NTSTRSAFE_MAX_CCH) {
        return STATUS_INVALID_PARAMETER;
    }
    if (!dest) {
        return (cchDest == 0 && (flags & STRSAFE_IGNORE_NULLS)) ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
    }
    if (cchDest == 0 && !(flags & STRSAFE_IGNORE_NULLS)) {
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

typedef struct {
    int wide;
    int ex;             /* Ex function: honour dwFlags, report end and remaining space */
    int cb;             /* report remaining space in bytes */
    DWORD flags;
    void **ppEnd;
    size_t *pRemaining;
} op_t;

/* Finishes an operation whose destination now holds len characters plus a NUL: applies the Ex flags
 * and reports the end pointer and remaining space (success or truncation only). valid_dest says whether
 * dest/cchDest passed validation (flags are only applied to a usable buffer). */
static NTSTATUS finish(const op_t *op, void *dest, size_t cchDest, size_t len, NTSTATUS status, int valid_dest,
                       int empty_on_bad_args)
{
    size_t end = len;
    size_t remaining = cchDest - len;
    if (!op->ex) {
        if (!valid_dest && empty_on_bad_args && dest && cchDest > 0) {
            set_u(dest, op->wide, 0, 0);
        }
        return status;
    }
    if (op->flags & ~(DWORD)STRSAFE_VALID_FLAGS) {
        return status;
    }
    unsigned fill = (unsigned)STRSAFE_GET_FILL_PATTERN(op->flags);
    size_t us = unit_size(op->wide);
    int usable = dest && cchDest > 0 && cchDest <= NTSTRSAFE_MAX_CCH;
    if (NT_SUCCESS(status) && status != STATUS_BUFFER_OVERFLOW) {
        if ((op->flags & STRSAFE_FILL_BEHIND_NULL) && usable && remaining > 1) {
            memset(unit_ptr(dest, op->wide, len + 1), (int)fill, (remaining - 1) * us);
        }
    } else if (usable) {
        if (op->flags & STRSAFE_FILL_ON_FAILURE) {
            memset(dest, (int)fill, cchDest * us);
            if (fill == 0) {
                end = 0;
                remaining = cchDest;
            } else {
                end = cchDest - 1;
                remaining = 1;
                set_u(dest, op->wide, end, 0);
            }
        }
        if (op->flags & (STRSAFE_NULL_ON_FAILURE | STRSAFE_NO_TRUNCATION)) {
            end = 0;
            remaining = cchDest;
            set_u(dest, op->wide, 0, 0);
        }
    } else if (!valid_dest && empty_on_bad_args && dest && cchDest > 0) {
        set_u(dest, op->wide, 0, 0);
    }
    if (status == STATUS_SUCCESS || status == STATUS_BUFFER_OVERFLOW) {
        if (op->ppEnd) {
            void *p = dest ? unit_ptr(dest, op->wide, end) : NULL;
            memcpy(op->ppEnd, &p, sizeof p); /* *ppszDestEnd is a char* or WCHAR* */
        }
        if (op->pRemaining) {
            *op->pRemaining = op->cb ? remaining * us : remaining;
        }
    }
    return status;
}

/* ---------------------------------------------------------------------------------------------
 * Generic cores
 * --------------------------------------------------------------------------------------------- */

/* Copies (cat = 0) or appends (cat = 1) at most maxSrc characters of src. */
static NTSTATUS copy_core(const op_t *op, void *dest, size_t cchDest, const void *src, size_t maxSrc, int cat)
{
    NTSTATUS status = validate_dest(dest, cchDest, op->ex ? op->flags : 0);
    int valid = NT_SUCCESS(status);
    size_t offset = 0, len = 0;
    if (valid && maxSrc != NO_LIMIT && maxSrc > NTSTRSAFE_MAX_CCH) {
        status = STATUS_INVALID_PARAMETER;
    }
    if (NT_SUCCESS(status) && !src) {
        if (op->ex && (op->flags & STRSAFE_IGNORE_NULLS)) {
            src = op->wide ? (const void *)empty_w : (const void *)empty_a;
        } else {
            status = STATUS_INVALID_PARAMETER;
        }
    }
    if (NT_SUCCESS(status) && cat && cchDest > 0) {
        offset = bounded_len(dest, op->wide, cchDest);
        if (offset == cchDest) {
            status = STATUS_INVALID_PARAMETER; /* destination is not NUL-terminated */
            return finish(op, dest, cchDest, 0, status, 1, 0);
        }
    }
    if (NT_SUCCESS(status)) {
        if (cchDest == 0) {
            status = (maxSrc > 0 && get_u(src, op->wide, 0) != 0) ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
        } else {
            size_t room = cchDest - 1 - offset;
            size_t i = 0;
            unsigned u;
            while (i < room && i < maxSrc && (u = get_u(src, op->wide, i)) != 0) {
                set_u(dest, op->wide, offset + i, u);
                i++;
            }
            set_u(dest, op->wide, offset + i, 0);
            len = offset + i;
            if (i < maxSrc && get_u(src, op->wide, i) != 0) {
                status = STATUS_BUFFER_OVERFLOW;
            }
        }
    }
    if (!NT_SUCCESS(status) && status != STATUS_BUFFER_OVERFLOW) {
        /* Parameter errors: a Copy leaves an empty string behind (when there is a buffer). */
        return finish(op, dest, cchDest, 0, status, 0, !cat);
    }
    return finish(op, dest, cchDest, len, status, 1, 0);
}

static NTSTATUS printf_core(const op_t *op, void *dest, size_t cchDest, const void *fmt, va_list ap)
{
    NTSTATUS status = validate_dest(dest, cchDest, op->ex ? op->flags : 0);
    size_t len = 0;
    if (NT_SUCCESS(status) && !fmt) {
        if (op->ex && (op->flags & STRSAFE_IGNORE_NULLS)) {
            fmt = op->wide ? (const void *)empty_w : (const void *)empty_a;
        } else {
            status = STATUS_INVALID_PARAMETER;
        }
    }
    if (!NT_SUCCESS(status)) {
        return finish(op, dest, cchDest, 0, status, 0, 1);
    }
    int n;
    if (cchDest == 0) {
        n = op->wide ? KrtFormatW(NULL, 0, (const WCHAR *)fmt, ap) : KrtFormatA(NULL, 0, (const char *)fmt, ap);
        status = n > 0 ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
    } else {
        n = op->wide ? KrtFormatW((WCHAR *)dest, cchDest, (const WCHAR *)fmt, ap)
                     : KrtFormatA((char *)dest, cchDest, (const char *)fmt, ap);
        if (n < 0 || (size_t)n >= cchDest) {
            status = STATUS_BUFFER_OVERFLOW;
            len = cchDest - 1;
        } else {
            len = (size_t)n;
        }
    }
    return finish(op, dest, cchDest, len, status, 1, 0);
}

static NTSTATUS length_core(const void *psz, int wide, size_t cchMax, size_t *pcchLength)
{
    if (!psz || cchMax == 0 || cchMax > NTSTRSAFE_MAX_CCH) {
        if (pcchLength) {
            *pcchLength = 0;
        }
        return STATUS_INVALID_PARAMETER;
    }
    size_t n = bounded_len(psz, wide, cchMax);
    if (n == cchMax) {
        if (pcchLength) {
            *pcchLength = 0;
        }
        return STATUS_INVALID_PARAMETER;
    }
    if (pcchLength) {
        *pcchLength = n;
    }
    return STATUS_SUCCESS;
}

#define OP(wide_, ex_, cb_, flags_, end_, rem_) {(wide_), (ex_), (cb_), (flags_), (void **)(end_), (rem_)}

/* ---------------------------------------------------------------------------------------------
 * Copy
 * --------------------------------------------------------------------------------------------- */

NTSTATUS NTAPI RtlStringCchCopyA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc)
{
    op_t op = OP(0, 0, 0, 0, NULL, NULL);
    return copy_core(&op, pszDest, cchDest, pszSrc, NO_LIMIT, 0);
}

NTSTATUS NTAPI RtlStringCchCopyW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc)
{
    op_t op = OP(1, 0, 0, 0, NULL, NULL);
    return copy_core(&op, pszDest, cchDest, pszSrc, NO_LIMIT, 0);
}

NTSTATUS NTAPI RtlStringCbCopyA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc)
{
    op_t op = OP(0, 0, 1, 0, NULL, NULL);
    return copy_core(&op, pszDest, cbDest, pszSrc, NO_LIMIT, 0);
}

NTSTATUS NTAPI RtlStringCbCopyW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc)
{
    op_t op = OP(1, 0, 1, 0, NULL, NULL);
    return copy_core(&op, pszDest, cbDest / sizeof(WCHAR), pszSrc, NO_LIMIT, 0);
}

NTSTATUS NTAPI RtlStringCchCopyExA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc,
                                   NTSTRSAFE_PSTR *ppszDestEnd, size_t *pcchRemaining, DWORD dwFlags)
{
    op_t op = OP(0, 1, 0, dwFlags, ppszDestEnd, pcchRemaining);
    return copy_core(&op, pszDest, cchDest, pszSrc, NO_LIMIT, 0);
}

NTSTATUS NTAPI RtlStringCchCopyExW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc,
                                   NTSTRSAFE_PWSTR *ppszDestEnd, size_t *pcchRemaining, DWORD dwFlags)
{
    op_t op = OP(1, 1, 0, dwFlags, ppszDestEnd, pcchRemaining);
    return copy_core(&op, pszDest, cchDest, pszSrc, NO_LIMIT, 0);
}

NTSTATUS NTAPI RtlStringCbCopyExA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc,
                                  NTSTRSAFE_PSTR *ppszDestEnd, size_t *pcbRemaining, DWORD dwFlags)
{
    op_t op = OP(0, 1, 1, dwFlags, ppszDestEnd, pcbRemaining);
    return copy_core(&op, pszDest, cbDest, pszSrc, NO_LIMIT, 0);
}

NTSTATUS NTAPI RtlStringCbCopyExW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc,
                                  NTSTRSAFE_PWSTR *ppszDestEnd, size_t *pcbRemaining, DWORD dwFlags)
{
    op_t op = OP(1, 1, 1, dwFlags, ppszDestEnd, pcbRemaining);
    return copy_core(&op, pszDest, cbDest / sizeof(WCHAR), pszSrc, NO_LIMIT, 0);
}

NTSTATUS NTAPI RtlStringCchCopyNA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc, size_t cchToCopy)
{
    op_t op = OP(0, 0, 0, 0, NULL, NULL);
    return copy_core(&op, pszDest, cchDest, pszSrc, cchToCopy, 0);
}

NTSTATUS NTAPI RtlStringCchCopyNW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc, size_t cchToCopy)
{
    op_t op = OP(1, 0, 0, 0, NULL, NULL);
    return copy_core(&op, pszDest, cchDest, pszSrc, cchToCopy, 0);
}

NTSTATUS NTAPI RtlStringCbCopyNA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc, size_t cbToCopy)
{
    op_t op = OP(0, 0, 1, 0, NULL, NULL);
    return copy_core(&op, pszDest, cbDest, pszSrc, cbToCopy, 0);
}

NTSTATUS NTAPI RtlStringCbCopyNW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc, size_t cbToCopy)
{
    op_t op = OP(1, 0, 1, 0, NULL, NULL);
    return copy_core(&op, pszDest, cbDest / sizeof(WCHAR), pszSrc, cbToCopy / sizeof(WCHAR), 0);
}

NTSTATUS NTAPI RtlStringCchCopyNExA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc, size_t cchToCopy,
                                    NTSTRSAFE_PSTR *ppszDestEnd, size_t *pcchRemaining, DWORD dwFlags)
{
    op_t op = OP(0, 1, 0, dwFlags, ppszDestEnd, pcchRemaining);
    return copy_core(&op, pszDest, cchDest, pszSrc, cchToCopy, 0);
}

NTSTATUS NTAPI RtlStringCchCopyNExW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc,
                                    size_t cchToCopy, NTSTRSAFE_PWSTR *ppszDestEnd, size_t *pcchRemaining,
                                    DWORD dwFlags)
{
    op_t op = OP(1, 1, 0, dwFlags, ppszDestEnd, pcchRemaining);
    return copy_core(&op, pszDest, cchDest, pszSrc, cchToCopy, 0);
}

NTSTATUS NTAPI RtlStringCbCopyNExA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc, size_t cbToCopy,
                                   NTSTRSAFE_PSTR *ppszDestEnd, size_t *pcbRemaining, DWORD dwFlags)
{
    op_t op = OP(0, 1, 1, dwFlags, ppszDestEnd, pcbRemaining);
    return copy_core(&op, pszDest, cbDest, pszSrc, cbToCopy, 0);
}

NTSTATUS NTAPI RtlStringCbCopyNExW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc, size_t cbToCopy,
                                   NTSTRSAFE_PWSTR *ppszDestEnd, size_t *pcbRemaining, DWORD dwFlags)
{
    op_t op = OP(1, 1, 1, dwFlags, ppszDestEnd, pcbRemaining);
    return copy_core(&op, pszDest, cbDest / sizeof(WCHAR), pszSrc, cbToCopy / sizeof(WCHAR), 0);
}

static NTSTATUS copy_unicode_string(PWSTR pszDest, size_t cchDest, PCUNICODE_STRING SourceString)
{
    NTSTATUS status = validate_dest(pszDest, cchDest, 0);
    if (NT_SUCCESS(status) && !NT_SUCCESS(RtlUnicodeStringValidate(SourceString))) {
        status = STATUS_INVALID_PARAMETER;
    }
    if (!NT_SUCCESS(status)) {
        if (pszDest && cchDest > 0) {
            pszDest[0] = 0;
        }
        return status;
    }
    size_t n = SourceString->Length / sizeof(WCHAR);
    status = STATUS_SUCCESS;
    if (n > cchDest - 1) {
        n = cchDest - 1;
        status = STATUS_BUFFER_OVERFLOW;
    }
    if (n) {
        memmove(pszDest, SourceString->Buffer, n * sizeof(WCHAR));
    }
    pszDest[n] = 0;
    return status;
}

NTSTATUS NTAPI RtlStringCchCopyUnicodeString(NTSTRSAFE_PWSTR pszDest, size_t cchDest, PCUNICODE_STRING SourceString)
{
    return copy_unicode_string(pszDest, cchDest, SourceString);
}

NTSTATUS NTAPI RtlStringCbCopyUnicodeString(NTSTRSAFE_PWSTR pszDest, size_t cbDest, PCUNICODE_STRING SourceString)
{
    return copy_unicode_string(pszDest, cbDest / sizeof(WCHAR), SourceString);
}

/* ---------------------------------------------------------------------------------------------
 * Concatenate
 * --------------------------------------------------------------------------------------------- */

NTSTATUS NTAPI RtlStringCchCatA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc)
{
    op_t op = OP(0, 0, 0, 0, NULL, NULL);
    return copy_core(&op, pszDest, cchDest, pszSrc, NO_LIMIT, 1);
}

NTSTATUS NTAPI RtlStringCchCatW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc)
{
    op_t op = OP(1, 0, 0, 0, NULL, NULL);
    return copy_core(&op, pszDest, cchDest, pszSrc, NO_LIMIT, 1);
}

NTSTATUS NTAPI RtlStringCbCatA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc)
{
    op_t op = OP(0, 0, 1, 0, NULL, NULL);
    return copy_core(&op, pszDest, cbDest, pszSrc, NO_LIMIT, 1);
}

NTSTATUS NTAPI RtlStringCbCatW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc)
{
    op_t op = OP(1, 0, 1, 0, NULL, NULL);
    return copy_core(&op, pszDest, cbDest / sizeof(WCHAR), pszSrc, NO_LIMIT, 1);
}

NTSTATUS NTAPI RtlStringCchCatExA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc,
                                  NTSTRSAFE_PSTR *ppszDestEnd, size_t *pcchRemaining, DWORD dwFlags)
{
    op_t op = OP(0, 1, 0, dwFlags, ppszDestEnd, pcchRemaining);
    return copy_core(&op, pszDest, cchDest, pszSrc, NO_LIMIT, 1);
}

NTSTATUS NTAPI RtlStringCchCatExW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc,
                                  NTSTRSAFE_PWSTR *ppszDestEnd, size_t *pcchRemaining, DWORD dwFlags)
{
    op_t op = OP(1, 1, 0, dwFlags, ppszDestEnd, pcchRemaining);
    return copy_core(&op, pszDest, cchDest, pszSrc, NO_LIMIT, 1);
}

NTSTATUS NTAPI RtlStringCbCatExA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc,
                                 NTSTRSAFE_PSTR *ppszDestEnd, size_t *pcbRemaining, DWORD dwFlags)
{
    op_t op = OP(0, 1, 1, dwFlags, ppszDestEnd, pcbRemaining);
    return copy_core(&op, pszDest, cbDest, pszSrc, NO_LIMIT, 1);
}

NTSTATUS NTAPI RtlStringCbCatExW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc,
                                 NTSTRSAFE_PWSTR *ppszDestEnd, size_t *pcbRemaining, DWORD dwFlags)
{
    op_t op = OP(1, 1, 1, dwFlags, ppszDestEnd, pcbRemaining);
    return copy_core(&op, pszDest, cbDest / sizeof(WCHAR), pszSrc, NO_LIMIT, 1);
}

NTSTATUS NTAPI RtlStringCchCatNA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc, size_t cchToAppend)
{
    op_t op = OP(0, 0, 0, 0, NULL, NULL);
    return copy_core(&op, pszDest, cchDest, pszSrc, cchToAppend, 1);
}

NTSTATUS NTAPI RtlStringCchCatNW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc, size_t cchToAppend)
{
    op_t op = OP(1, 0, 0, 0, NULL, NULL);
    return copy_core(&op, pszDest, cchDest, pszSrc, cchToAppend, 1);
}

NTSTATUS NTAPI RtlStringCbCatNA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc, size_t cbToAppend)
{
    op_t op = OP(0, 0, 1, 0, NULL, NULL);
    return copy_core(&op, pszDest, cbDest, pszSrc, cbToAppend, 1);
}

NTSTATUS NTAPI RtlStringCbCatNW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc, size_t cbToAppend)
{
    op_t op = OP(1, 0, 1, 0, NULL, NULL);
    return copy_core(&op, pszDest, cbDest / sizeof(WCHAR), pszSrc, cbToAppend / sizeof(WCHAR), 1);
}

/* ---------------------------------------------------------------------------------------------
 * Formatted output
 * --------------------------------------------------------------------------------------------- */

NTSTATUS NTAPI RtlStringCchVPrintfA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszFormat, va_list argList)
{
    op_t op = OP(0, 0, 0, 0, NULL, NULL);
    return printf_core(&op, pszDest, cchDest, pszFormat, argList);
}

NTSTATUS NTAPI RtlStringCchVPrintfW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszFormat,
                                    va_list argList)
{
    op_t op = OP(1, 0, 0, 0, NULL, NULL);
    return printf_core(&op, pszDest, cchDest, pszFormat, argList);
}

NTSTATUS NTAPI RtlStringCbVPrintfA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszFormat, va_list argList)
{
    op_t op = OP(0, 0, 1, 0, NULL, NULL);
    return printf_core(&op, pszDest, cbDest, pszFormat, argList);
}

NTSTATUS NTAPI RtlStringCbVPrintfW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszFormat, va_list argList)
{
    op_t op = OP(1, 0, 1, 0, NULL, NULL);
    return printf_core(&op, pszDest, cbDest / sizeof(WCHAR), pszFormat, argList);
}

NTSTATUS NTAPI RtlStringCchPrintfA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS status = RtlStringCchVPrintfA(pszDest, cchDest, pszFormat, ap);
    va_end(ap);
    return status;
}

NTSTATUS NTAPI RtlStringCchPrintfW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS status = RtlStringCchVPrintfW(pszDest, cchDest, pszFormat, ap);
    va_end(ap);
    return status;
}

NTSTATUS NTAPI RtlStringCbPrintfA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS status = RtlStringCbVPrintfA(pszDest, cbDest, pszFormat, ap);
    va_end(ap);
    return status;
}

NTSTATUS NTAPI RtlStringCbPrintfW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS status = RtlStringCbVPrintfW(pszDest, cbDest, pszFormat, ap);
    va_end(ap);
    return status;
}

NTSTATUS NTAPI RtlStringCchVPrintfExA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PSTR *ppszDestEnd,
                                      size_t *pcchRemaining, DWORD dwFlags, NTSTRSAFE_PCSTR pszFormat, va_list argList)
{
    op_t op = OP(0, 1, 0, dwFlags, ppszDestEnd, pcchRemaining);
    return printf_core(&op, pszDest, cchDest, pszFormat, argList);
}

NTSTATUS NTAPI RtlStringCchVPrintfExW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PWSTR *ppszDestEnd,
                                      size_t *pcchRemaining, DWORD dwFlags, NTSTRSAFE_PCWSTR pszFormat,
                                      va_list argList)
{
    op_t op = OP(1, 1, 0, dwFlags, ppszDestEnd, pcchRemaining);
    return printf_core(&op, pszDest, cchDest, pszFormat, argList);
}

NTSTATUS NTAPI RtlStringCbVPrintfExA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PSTR *ppszDestEnd,
                                     size_t *pcbRemaining, DWORD dwFlags, NTSTRSAFE_PCSTR pszFormat, va_list argList)
{
    op_t op = OP(0, 1, 1, dwFlags, ppszDestEnd, pcbRemaining);
    return printf_core(&op, pszDest, cbDest, pszFormat, argList);
}

NTSTATUS NTAPI RtlStringCbVPrintfExW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PWSTR *ppszDestEnd,
                                     size_t *pcbRemaining, DWORD dwFlags, NTSTRSAFE_PCWSTR pszFormat, va_list argList)
{
    op_t op = OP(1, 1, 1, dwFlags, ppszDestEnd, pcbRemaining);
    return printf_core(&op, pszDest, cbDest / sizeof(WCHAR), pszFormat, argList);
}

NTSTATUS NTAPI RtlStringCchPrintfExA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PSTR *ppszDestEnd,
                                     size_t *pcchRemaining, DWORD dwFlags, NTSTRSAFE_PCSTR pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS status = RtlStringCchVPrintfExA(pszDest, cchDest, ppszDestEnd, pcchRemaining, dwFlags, pszFormat, ap);
    va_end(ap);
    return status;
}

NTSTATUS NTAPI RtlStringCchPrintfExW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PWSTR *ppszDestEnd,
                                     size_t *pcchRemaining, DWORD dwFlags, NTSTRSAFE_PCWSTR pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS status = RtlStringCchVPrintfExW(pszDest, cchDest, ppszDestEnd, pcchRemaining, dwFlags, pszFormat, ap);
    va_end(ap);
    return status;
}

NTSTATUS NTAPI RtlStringCbPrintfExA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PSTR *ppszDestEnd,
                                    size_t *pcbRemaining, DWORD dwFlags, NTSTRSAFE_PCSTR pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS status = RtlStringCbVPrintfExA(pszDest, cbDest, ppszDestEnd, pcbRemaining, dwFlags, pszFormat, ap);
    va_end(ap);
    return status;
}

NTSTATUS NTAPI RtlStringCbPrintfExW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PWSTR *ppszDestEnd,
                                    size_t *pcbRemaining, DWORD dwFlags, NTSTRSAFE_PCWSTR pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS status = RtlStringCbVPrintfExW(pszDest, cbDest, ppszDestEnd, pcbRemaining, dwFlags, pszFormat, ap);
    va_end(ap);
    return status;
}

/* ---------------------------------------------------------------------------------------------
 * Length
 * --------------------------------------------------------------------------------------------- */

NTSTATUS NTAPI RtlStringCchLengthA(NTSTRSAFE_PCSTR psz, size_t cchMax, size_t *pcchLength)
{
    return length_core(psz, 0, cchMax, pcchLength);
}

NTSTATUS NTAPI RtlStringCchLengthW(NTSTRSAFE_PCWSTR psz, size_t cchMax, size_t *pcchLength)
{
    return length_core(psz, 1, cchMax, pcchLength);
}

NTSTATUS NTAPI RtlStringCbLengthA(NTSTRSAFE_PCSTR psz, size_t cbMax, size_t *pcbLength)
{
    return length_core(psz, 0, cbMax, pcbLength);
}

NTSTATUS NTAPI RtlStringCbLengthW(NTSTRSAFE_PCWSTR psz, size_t cbMax, size_t *pcbLength)
{
    size_t cch = 0;
    NTSTATUS status = length_core(psz, 1, cbMax / sizeof(WCHAR), &cch);
    if (pcbLength) {
        *pcbLength = cch * sizeof(WCHAR);
    }
    return status;
}

/* ---------------------------------------------------------------------------------------------
 * UNICODE_STRING
 * --------------------------------------------------------------------------------------------- */

#define US_MAX_BYTES (NTSTRSAFE_UNICODE_STRING_MAX_CCH * sizeof(WCHAR))

NTSTATUS NTAPI RtlUnicodeStringValidateEx(PCUNICODE_STRING SourceString, DWORD dwFlags)
{
    if (dwFlags & ~(DWORD)STRSAFE_UNICODE_STRING_VALID_FLAGS) {
        return STATUS_INVALID_PARAMETER;
    }
    if (!SourceString) {
        return (dwFlags & STRSAFE_IGNORE_NULLS) ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
    }
    if ((SourceString->Length & 1) || (SourceString->MaximumLength & 1) ||
        SourceString->Length > SourceString->MaximumLength || SourceString->MaximumLength > US_MAX_BYTES) {
        return STATUS_INVALID_PARAMETER;
    }
    if (!SourceString->Buffer && (SourceString->Length || SourceString->MaximumLength) &&
        !(dwFlags & STRSAFE_IGNORE_NULLS)) {
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlUnicodeStringValidate(PCUNICODE_STRING SourceString)
{
    return RtlUnicodeStringValidateEx(SourceString, 0);
}

NTSTATUS NTAPI RtlUnicodeStringInitEx(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc, DWORD dwFlags)
{
    if (dwFlags & ~(DWORD)STRSAFE_IGNORE_NULLS) {
        return STATUS_INVALID_PARAMETER;
    }
    if (!DestinationString) {
        return (!pszSrc && (dwFlags & STRSAFE_IGNORE_NULLS)) ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
    }
    DestinationString->Length = 0;
    DestinationString->MaximumLength = 0;
    DestinationString->Buffer = NULL;
    if (!pszSrc) {
        return STATUS_SUCCESS;
    }
    /* Length and MaximumLength (= Length + 2) must both fit the 32767-character limit of a USHORT. */
    size_t n = bounded_len(pszSrc, 1, NTSTRSAFE_UNICODE_STRING_MAX_CCH);
    if (n >= NTSTRSAFE_UNICODE_STRING_MAX_CCH) {
        return STATUS_INVALID_PARAMETER;
    }
    DestinationString->Buffer = (PWSTR)pszSrc;
    DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlUnicodeStringInit(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc)
{
    return RtlUnicodeStringInitEx(DestinationString, pszSrc, 0);
}

/* Stores count characters of src at the end (cat) or the start of Dest, truncating to its capacity. */
static NTSTATUS us_put(PUNICODE_STRING Dest, const WCHAR *src, size_t count, int cat)
{
    size_t cap = Dest->MaximumLength / sizeof(WCHAR);
    size_t at = cat ? Dest->Length / sizeof(WCHAR) : 0;
    size_t n = count;
    NTSTATUS status = STATUS_SUCCESS;
    if (n > cap - at) {
        n = cap - at;
        status = STATUS_BUFFER_OVERFLOW;
    }
    if (n) {
        memmove(Dest->Buffer + at, src, n * sizeof(WCHAR));
    }
    Dest->Length = (USHORT)((at + n) * sizeof(WCHAR));
    return status;
}

NTSTATUS NTAPI RtlUnicodeStringCopy(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    if (!NT_SUCCESS(RtlUnicodeStringValidate(DestinationString)) ||
        !NT_SUCCESS(RtlUnicodeStringValidate(SourceString))) {
        return STATUS_INVALID_PARAMETER;
    }
    return us_put(DestinationString, SourceString->Buffer, SourceString->Length / sizeof(WCHAR), 0);
}

NTSTATUS NTAPI RtlUnicodeStringCopyString(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc)
{
    if (!NT_SUCCESS(RtlUnicodeStringValidate(DestinationString)) || !pszSrc) {
        return STATUS_INVALID_PARAMETER;
    }
    /* Look at no more of the source than could be stored (plus one to detect truncation). */
    size_t n = bounded_len(pszSrc, 1, DestinationString->MaximumLength / sizeof(WCHAR) + 1u);
    return us_put(DestinationString, pszSrc, n, 0);
}

NTSTATUS NTAPI RtlUnicodeStringCat(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    if (!NT_SUCCESS(RtlUnicodeStringValidate(DestinationString)) ||
        !NT_SUCCESS(RtlUnicodeStringValidate(SourceString))) {
        return STATUS_INVALID_PARAMETER;
    }
    return us_put(DestinationString, SourceString->Buffer, SourceString->Length / sizeof(WCHAR), 1);
}

NTSTATUS NTAPI RtlUnicodeStringCatString(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc)
{
    if (!NT_SUCCESS(RtlUnicodeStringValidate(DestinationString)) || !pszSrc) {
        return STATUS_INVALID_PARAMETER;
    }
    size_t n = bounded_len(pszSrc, 1, DestinationString->MaximumLength / sizeof(WCHAR) + 1u);
    return us_put(DestinationString, pszSrc, n, 1);
}

NTSTATUS NTAPI RtlUnicodeStringVPrintf(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszFormat, va_list argList)
{
    if (!NT_SUCCESS(RtlUnicodeStringValidate(DestinationString)) || !pszFormat) {
        return STATUS_INVALID_PARAMETER;
    }
    size_t cap = DestinationString->MaximumLength / sizeof(WCHAR);
    int n = KrtFormatCountedW(DestinationString->Buffer, cap, pszFormat, argList);
    if (n < 0) {
        DestinationString->Length = 0;
        return STATUS_INVALID_PARAMETER;
    }
    if ((size_t)n > cap) {
        DestinationString->Length = (USHORT)(cap * sizeof(WCHAR));
        return STATUS_BUFFER_OVERFLOW;
    }
    DestinationString->Length = (USHORT)((size_t)n * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlUnicodeStringPrintf(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS status = RtlUnicodeStringVPrintf(DestinationString, pszFormat, ap);
    va_end(ap);
    return status;
}
