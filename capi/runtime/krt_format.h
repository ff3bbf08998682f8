/*
 * krt_format.h - the Microsoft-style printf engine behind DbgPrint, RtlStringCb*Printf and
 * RtlUnicodeStringPrintf (internal to the runtime).
 *
 * Driver code is written for the Windows C runtime, whose printf differs from glibc's in ways that
 * matter under LLP64:
 *   size prefixes   l = 32-bit (LONG/ULONG), ll / I64 / j / z / t / I = 64-bit, I32 = 32-bit, h = 16-bit,
 *                   hh = 8-bit; no prefix = 32-bit.
 *   strings         %s is the function's own character type (narrow in the A engine, wide in the W engine),
 *                   %S the other one; %hs / %hc force narrow, %ls / %ws / %lc / %wc / %C force wide;
 *                   %Z prints a counted string: PANSI_STRING (narrow engine default, or %hZ) or
 *                   PUNICODE_STRING (%wZ / %lZ, or the wide engine's default). NULL pointers print "(null)".
 *   %p              16 upper-case hex digits, zero-padded (x64 Windows).
 *   %n              not supported by Windows; the argument is consumed and nothing is written.
 *   floats          %e %E %f %F %g %G %a %A (with L = long double) are rendered with the C library's
 *                   strfromd/strfroml - not snprintf, which driver links may --wrap into this engine.
 * Wide text written by the narrow engine is encoded as UTF-8 (unpaired surrogates become '?'); narrow
 * text written by the wide engine is decoded as UTF-8 (bytes that are not valid UTF-8 map to U+0000-U+00FF).
 */
#ifndef WSKNS3_KRT_FORMAT_H
#define WSKNS3_KRT_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

#include <ntdef.h>

EXTERN_C_START

/* Like vsnprintf: writes at most cap-1 units plus a terminating NUL (when cap > 0) and returns the
 * number of units the complete output has (excluding the NUL; clamped to INT_MAX). out may be NULL when
 * cap is 0. */
int KrtFormatA(char *out, size_t cap, const char *fmt, va_list ap);
int KrtFormatW(WCHAR *out, size_t capChars, const WCHAR *fmt, va_list ap);

/* Same, but for counted destinations (UNICODE_STRING and friends): writes at most cap units and no
 * terminator. Returns the complete output length. */
int KrtFormatCountedA(char *out, size_t cap, const char *fmt, va_list ap);
int KrtFormatCountedW(WCHAR *out, size_t capChars, const WCHAR *fmt, va_list ap);

/* Variadic conveniences over KrtFormatA / KrtFormatW. */
int KrtSnprintfA(char *out, size_t cap, const char *fmt, ...);
int KrtSnprintfW(WCHAR *out, size_t capChars, const WCHAR *fmt, ...);

EXTERN_C_END

#endif /* WSKNS3_KRT_FORMAT_H */
