/*
 * in6addr.h - the IPv6 address type as Windows lays it out: 16 bytes in network order, with byte
 * and 16-bit word views. s6_addr / s6_bytes / s6_words let portable code reach the bytes without
 * naming the union.
 */
#ifndef WSKNS3_IN6ADDR_H
#define WSKNS3_IN6ADDR_H

#include <ntdef.h>

typedef struct in6_addr {
    union {
        UCHAR Byte[16];
        USHORT Word[8];
    } u;
} IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;

/* Older Windows code spells the tag in_addr6. */
#define in_addr6 in6_addr

#define _S6_un u
#define _S6_u8 Byte
#define s6_addr _S6_un._S6_u8
#define s6_bytes u.Byte
#define s6_words u.Word

#endif /* WSKNS3_IN6ADDR_H */
