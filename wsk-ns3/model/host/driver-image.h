/*
 * driver-image.h - loads one private copy of a driver shared object per node, so every node's driver
 * instance has its own globals (dlopen shares a library between callers; distinct copies are not shared).
 */
#ifndef WSKNS3_DRIVER_IMAGE_H
#define WSKNS3_DRIVER_IMAGE_H

#include <string>

namespace ns3 {
namespace wsk {

class DriverImage
{
  public:
    DriverImage() = default;
    ~DriverImage();
    DriverImage(const DriverImage&) = delete;
    DriverImage& operator=(const DriverImage&) = delete;

    /* Loads a fresh copy of the file; on failure returns false and sets `error` to a sentence naming the
     * file and the reason (missing file, not a shared object, an import wsk-ns3 does not provide, no
     * DriverEntry export). */
    bool Load(const std::string& path, std::string& error);
    void* DriverEntry() const { return m_entry; }
    const std::string& Path() const { return m_path; }

    /* Bytes of writable data (.data + .bss) in this copy: the per-node cost of the driver's globals. */
    size_t WritableBytes() const { return m_writable; }

  private:
    void* m_handle = nullptr;
    void* m_entry = nullptr;
    size_t m_writable = 0;
    std::string m_path;
};

} // namespace wsk
} // namespace ns3

#endif /* WSKNS3_DRIVER_IMAGE_H */
