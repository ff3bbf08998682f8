/* wsk-buffer.cc - moving bytes between a client's WSK_BUF (an MDL chain, an offset into its first MDL and a
 * length) and the provider; shared by connection and datagram sockets. */
#include "wsk-provider.h"

#include <algorithm>
#include <cstring>

namespace ns3 {
namespace wsk {

bool
WskBufBytes(const WSK_BUF* b, size_t& total)
{
    total = 0;
    if (b->Length == 0) {
        return true;
    }
    if (b->Mdl == nullptr || b->Offset > b->Mdl->ByteCount) {
        return false;
    }
    size_t avail = b->Mdl->ByteCount - b->Offset;
    for (PMDL m = b->Mdl->Next; m != nullptr && avail < b->Length; m = m->Next) {
        avail += m->ByteCount;
    }
    total = b->Length;
    return avail >= b->Length;
}

void
CopyFromWskBuf(const WSK_BUF* b, uint8_t* dst)
{
    size_t left = b->Length, off = b->Offset;
    for (PMDL m = b->Mdl; m != nullptr && left > 0; m = m->Next, off = 0) {
        size_t n = std::min<size_t>(left, m->ByteCount - off);
        std::memcpy(dst, (uint8_t*)MmGetMdlVirtualAddress(m) + off, n);
        dst += n;
        left -= n;
    }
}

/* Copies up to `n` bytes into the buffer starting `skip` bytes into it. */
void
CopyToWskBuf(const WSK_BUF* b, size_t skip, const uint8_t* src, size_t n)
{
    size_t off = b->Offset + skip;
    for (PMDL m = b->Mdl; m != nullptr && n > 0; m = m->Next) {
        if (off >= m->ByteCount) {
            off -= m->ByteCount;
            continue;
        }
        size_t k = std::min<size_t>(n, m->ByteCount - off);
        std::memcpy((uint8_t*)MmGetMdlVirtualAddress(m) + off, src, k);
        src += k;
        n -= k;
        off = 0;
    }
}

/* Copies `n` bytes starting `skip` bytes into a WSK_BUF out of its MDL chain. */
void
CopyFromWskBufAt(const WSK_BUF* b, size_t skip, uint8_t* dst, size_t n)
{
    size_t off = b->Offset + skip;
    for (PMDL m = b->Mdl; m != nullptr && n > 0; m = m->Next) {
        if (off >= m->ByteCount) {
            off -= m->ByteCount;
            continue;
        }
        size_t k = std::min<size_t>(n, m->ByteCount - off);
        std::memcpy(dst, (uint8_t*)MmGetMdlVirtualAddress(m) + off, k);
        dst += k;
        n -= k;
        off = 0;
    }
}

} // namespace wsk
} // namespace ns3
