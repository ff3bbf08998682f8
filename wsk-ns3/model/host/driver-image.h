/*
 * driver-image.h - a driver shared object loaded once per process, and the per-node copy of its writable
 * data. Every node's instance has its own globals: the host swaps the instance's copy of .data/.bss into
 * place whenever it enters that instance (one memcpy of the driver's writable bytes, only when the node
 * changes). One mapping per driver keeps 100,000 nodes within the kernel's limit on memory mappings.
 */
#ifndef WSKNS3_DRIVER_IMAGE_H
#define WSKNS3_DRIVER_IMAGE_H

#include <string>
#include <vector>

struct KRT_INSTANCE;

namespace ns3 {
namespace wsk {

class DriverImage
{
  public:
    /* Loads (or finds) the driver file; on failure returns nullptr and sets `error` to a sentence naming
     * the file and the reason (missing file, not a shared object, an import wsk-ns3 does not provide, no
     * DriverEntry export). */
    static DriverImage* Load(const std::string& path, std::string& error);

    void* DriverEntry() const { return m_entry; }
    const std::string& Path() const { return m_path; }
    size_t WritableBytes() const { return m_bytes; }

    /* Gives `inst` its own pristine copy of the driver's globals. */
    bool Attach(KRT_INSTANCE* inst) const;

  private:
    void* m_handle = nullptr;
    void* m_entry = nullptr;
    char* m_base = nullptr;
    size_t m_bytes = 0;
    std::vector<char> m_pristine;
    mutable KRT_INSTANCE* m_owner = nullptr;
    std::string m_path;
};

} // namespace wsk
} // namespace ns3

#endif /* WSKNS3_DRIVER_IMAGE_H */
