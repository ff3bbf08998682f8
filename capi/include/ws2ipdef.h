/*
 * ws2ipdef.h - IPv4/IPv6-specific Winsock definitions with Windows values: the IPv6 socket
 * address, packet-info control data, and the IP / IPv6 / TCP / UDP option numbers that WSK clients
 * pass to WskControlSocket (level IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPPROTO_UDP).
 */
#ifndef WSKNS3_WS2IPDEF_H
#define WSKNS3_WS2IPDEF_H

#include <ntdef.h>
#include <ws2def.h>
#include <in6addr.h>

/* ---- IPv6 socket address ---- */
/* 28 bytes; the scope id can also be read split into zone and level. */
typedef struct sockaddr_in6 {
    ADDRESS_FAMILY sin6_family;
    USHORT sin6_port;    /* network byte order */
    ULONG sin6_flowinfo; /* network byte order */
    IN6_ADDR sin6_addr;
    union {
        ULONG sin6_scope_id;
        SCOPE_ID sin6_scope_struct;
    };
} SOCKADDR_IN6_LH, *PSOCKADDR_IN6_LH, *LPSOCKADDR_IN6_LH;

typedef SOCKADDR_IN6_LH SOCKADDR_IN6;
typedef SOCKADDR_IN6_LH *PSOCKADDR_IN6, *LPSOCKADDR_IN6;

/* The pre-Vista shape: same layout, scope id as a plain ULONG only. */
typedef struct sockaddr_in6_w2ksp1 {
    short sin6_family;
    USHORT sin6_port;
    ULONG sin6_flowinfo;
    struct in6_addr sin6_addr;
    ULONG sin6_scope_id;
} SOCKADDR_IN6_W2KSP1, *PSOCKADDR_IN6_W2KSP1, *LPSOCKADDR_IN6_W2KSP1;

/* Either family in one object; si_family overlays both sin_family and sin6_family. */
typedef union _SOCKADDR_INET {
    SOCKADDR_IN Ipv4;
    SOCKADDR_IN6 Ipv6;
    ADDRESS_FAMILY si_family;
} SOCKADDR_INET, *PSOCKADDR_INET;

typedef struct _sockaddr_in6_pair {
    PSOCKADDR_IN6 SourceAddress;
    PSOCKADDR_IN6 DestinationAddress;
} SOCKADDR_IN6_PAIR, *PSOCKADDR_IN6_PAIR;

/* Text buffer sizes for address-to-string conversion, including the terminator. */
#define INET_ADDRSTRLEN 22
#define INET6_ADDRSTRLEN 65

/* ---- Static initialisers (fully braced so that -Wmissing-braces stays quiet) ---- */
#define IN4ADDR_ANY_INIT {{{0, 0, 0, 0}}}
#define IN4ADDR_LOOPBACK_INIT {{{127, 0, 0, 1}}}
#define IN4ADDR_BROADCAST_INIT {{{255, 255, 255, 255}}}
#define IN6ADDR_ANY_INIT {{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}}
#define IN6ADDR_LOOPBACK_INIT {{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}}
#define IN6ADDR_V4MAPPEDPREFIX_INIT {{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0}}}

/* ---- Address classification helpers ---- */
FORCEINLINE BOOLEAN IN6_ADDR_EQUAL(const IN6_ADDR *x, const IN6_ADDR *y)
{
    int i;
    for (i = 0; i < 8; i++) {
        if (x->u.Word[i] != y->u.Word[i]) {
            return FALSE;
        }
    }
    return TRUE;
}

FORCEINLINE BOOLEAN IN6_IS_ADDR_UNSPECIFIED(const IN6_ADDR *a)
{
    int i;
    for (i = 0; i < 8; i++) {
        if (a->u.Word[i] != 0) {
            return FALSE;
        }
    }
    return TRUE;
}

FORCEINLINE BOOLEAN IN6_IS_ADDR_LOOPBACK(const IN6_ADDR *a)
{
    int i;
    for (i = 0; i < 15; i++) {
        if (a->u.Byte[i] != 0) {
            return FALSE;
        }
    }
    return (a->u.Byte[15] == 1) ? TRUE : FALSE;
}

/* ::ffff:a.b.c.d - how an IPv4 peer appears on a dual-stack (IPV6_V6ONLY = 0) socket. */
FORCEINLINE BOOLEAN IN6_IS_ADDR_V4MAPPED(const IN6_ADDR *a)
{
    int i;
    for (i = 0; i < 10; i++) {
        if (a->u.Byte[i] != 0) {
            return FALSE;
        }
    }
    return (a->u.Byte[10] == 0xff && a->u.Byte[11] == 0xff) ? TRUE : FALSE;
}

FORCEINLINE BOOLEAN IN6_IS_ADDR_MULTICAST(const IN6_ADDR *a) { return (a->u.Byte[0] == 0xff) ? TRUE : FALSE; }

FORCEINLINE BOOLEAN IN6_IS_ADDR_LINKLOCAL(const IN6_ADDR *a)
{
    return (a->u.Byte[0] == 0xfe && (a->u.Byte[1] & 0xc0) == 0x80) ? TRUE : FALSE;
}

/* ---- Control data carried with IP_PKTINFO / IPV6_PKTINFO ---- */
typedef struct in_pktinfo {
    IN_ADDR ipi_addr; /* destination on receive, source on send */
    ULONG ipi_ifindex;
} IN_PKTINFO, *PIN_PKTINFO;

typedef struct in6_pktinfo {
    IN6_ADDR ipi6_addr;
    ULONG ipi6_ifindex;
} IN6_PKTINFO, *PIN6_PKTINFO;

/* ---- Multicast membership requests ---- */
typedef struct ip_mreq {
    IN_ADDR imr_multiaddr;
    IN_ADDR imr_interface;
} IP_MREQ, *PIP_MREQ;

typedef struct ip_mreq_source {
    IN_ADDR imr_multiaddr;
    IN_ADDR imr_sourceaddr;
    IN_ADDR imr_interface;
} IP_MREQ_SOURCE, *PIP_MREQ_SOURCE;

typedef struct ipv6_mreq {
    IN6_ADDR ipv6mr_multiaddr;
    ULONG ipv6mr_interface;
} IPV6_MREQ, *PIPV6_MREQ;

/* ---- IPPROTO_IP options ---- */
#define IP_OPTIONS 1
#define IP_HDRINCL 2
#define IP_TOS 3
#define IP_TTL 4
#define IP_MULTICAST_IF 9
#define IP_MULTICAST_TTL 10
#define IP_MULTICAST_LOOP 11
#define IP_ADD_MEMBERSHIP 12
#define IP_DROP_MEMBERSHIP 13
#define IP_DONTFRAGMENT 14
#define IP_ADD_SOURCE_MEMBERSHIP 15
#define IP_DROP_SOURCE_MEMBERSHIP 16
#define IP_BLOCK_SOURCE 17
#define IP_UNBLOCK_SOURCE 18
#define IP_PKTINFO 19
#define IP_HOPLIMIT 21
#define IP_RECVTTL 21
#define IP_RECEIVE_BROADCAST 22
#define IP_RECVIF 24
#define IP_RECVDSTADDR 25
#define IP_UNICAST_IF 31
#define IP_RTHDR 32
#define IP_TCLASS 39
#define IP_RECVTCLASS 40
#define IP_RECVTOS 40
#define IP_ORIGINAL_ARRIVAL_IF 47
#define IP_ECN 50
#define IP_PKTINFO_EX 51
#define IP_MTU_DISCOVER 71
#define IP_MTU 73
#define IP_RECVERR 75
#define IP_USER_MTU 76

#define IP_DEFAULT_MULTICAST_TTL 1
#define IP_DEFAULT_MULTICAST_LOOP 1
#define IP_MAX_MEMBERSHIPS 20

/* IP_MTU_DISCOVER / IPV6_MTU_DISCOVER values. */
typedef enum _PMTUD_STATE {
    IP_PMTUDISC_NOT_SET,
    IP_PMTUDISC_DO,
    IP_PMTUDISC_DONT,
    IP_PMTUDISC_PROBE,
    IP_PMTUDISC_MAX
} PMTUD_STATE, *PPMTUD_STATE;

/* ---- IPPROTO_IPV6 options ---- */
#define IPV6_HOPOPTS 1
#define IPV6_HDRINCL 2
#define IPV6_UNICAST_HOPS 4
#define IPV6_MULTICAST_IF 9
#define IPV6_MULTICAST_HOPS 10
#define IPV6_MULTICAST_LOOP 11
#define IPV6_ADD_MEMBERSHIP 12
#define IPV6_JOIN_GROUP IPV6_ADD_MEMBERSHIP
#define IPV6_DROP_MEMBERSHIP 13
#define IPV6_LEAVE_GROUP IPV6_DROP_MEMBERSHIP
#define IPV6_DONTFRAG 14
#define IPV6_PKTINFO 19
#define IPV6_HOPLIMIT 21
#define IPV6_PROTECTION_LEVEL 23
#define IPV6_RECVIF 24
#define IPV6_RECVDSTADDR 25
#define IPV6_CHECKSUM 26
#define IPV6_V6ONLY 27
#define IPV6_UNICAST_IF 31
#define IPV6_RTHDR 32
#define IPV6_RECVRTHDR 38
#define IPV6_TCLASS 39
#define IPV6_RECVTCLASS 40
#define IPV6_ECN 50
#define IPV6_PKTINFO_EX 51
#define IPV6_MTU_DISCOVER 71
#define IPV6_MTU 72
#define IPV6_RECVERR 75
#define IPV6_USER_MTU 76

/* IPV6_PROTECTION_LEVEL values. */
#define PROTECTION_LEVEL_UNRESTRICTED 10
#define PROTECTION_LEVEL_EDGERESTRICTED 20
#define PROTECTION_LEVEL_RESTRICTED 30

/* ---- IPPROTO_TCP options ---- */
#define TCP_NODELAY 1
#define TCP_EXPEDITED_1122 2
#define TCP_KEEPALIVE 3
#define TCP_KEEPIDLE TCP_KEEPALIVE
#define TCP_MAXSEG 4
#define TCP_MAXRT 5
#define TCP_STDURG 6
#define TCP_NOURG 7
#define TCP_ATMARK 8
#define TCP_NOSYNRETRIES 9
#define TCP_TIMESTAMPS 10
#define TCP_OFFLOAD_PREFERENCE 11
#define TCP_CONGESTION_ALGORITHM 12
#define TCP_DELAY_FIN_ACK 13
#define TCP_MAXRTMS 14
#define TCP_FASTOPEN 15
#define TCP_KEEPCNT 16
#define TCP_KEEPINTVL 17
#define TCP_FAIL_CONNECT_ON_ICMP_ERROR 18
#define TCP_ICMP_ERROR_INFO 19

/* ---- IPPROTO_UDP options ---- */
#define UDP_NOCHECKSUM 1
#define UDP_SEND_MSG_SIZE 2
#define UDP_RECV_MAX_COALESCED_SIZE 3
#define UDP_CHECKSUM_COVERAGE 20
/* Control-message type (not an option) reporting the segment size of a coalesced receive. */
#define UDP_COALESCED_INFO 3

#endif /* WSKNS3_WS2IPDEF_H */
