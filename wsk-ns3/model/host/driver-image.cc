/* driver-image.cc - see driver-image.h */
#include "driver-image.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <link.h>
#include <map>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

extern "C" {
#include "krt_host_api.h"
}

namespace ns3 {
namespace wsk {

namespace {

struct SegmentScan
{
    const char* name;
    uintptr_t start = 0, end = 0;          // writable PT_LOAD
    uintptr_t relroStart = 0, relroEnd = 0; // read-only after relocation
};

int
ScanSegments(struct dl_phdr_info* info, size_t, void* p)
{
    auto* s = static_cast<SegmentScan*>(p);
    if (info->dlpi_name == nullptr || std::strcmp(info->dlpi_name, s->name) != 0) {
        return 0;
    }
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const auto& ph = info->dlpi_phdr[i];
        uintptr_t a = info->dlpi_addr + ph.p_vaddr;
        if (ph.p_type == PT_LOAD && (ph.p_flags & PF_W)) {
            s->start = a;
            s->end = a + ph.p_memsz;
        } else if (ph.p_type == PT_GNU_RELRO) {
            s->relroStart = a;
            s->relroEnd = (a + ph.p_memsz + 4095) & ~(uintptr_t)4095;
        }
    }
    return 1;
}

} // namespace

DriverImage*
DriverImage::Load(const std::string& path, std::string& error)
{
    static std::map<std::string, std::unique_ptr<DriverImage>> loaded;
    auto it = loaded.find(path);
    if (it != loaded.end()) {
        return it->second.get();
    }
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
        error = "cannot open driver file '" + path + "': " + std::strerror(errno);
        return nullptr;
    }
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
        const char* why = dlerror();
        std::string reason = why ? why : "unknown error";
        auto pos = reason.find("undefined symbol: ");
        if (pos != std::string::npos) {
            error = "driver '" + path + "' imports " + reason.substr(pos + 18) +
                    ", which the wsk-ns3 kernel runtime does not provide";
        } else {
            error = "cannot load driver '" + path + "': " + reason;
        }
        return nullptr;
    }
    void* entry = dlsym(h, "DriverEntry");
    if (entry == nullptr) {
        dlclose(h);
        error = "driver '" + path + "' has no DriverEntry export (is DriverEntry defined, and was the driver built "
                "with wsk_add_driver?)";
        return nullptr;
    }
    auto img = std::unique_ptr<DriverImage>(new DriverImage());
    img->m_handle = h;
    img->m_entry = entry;
    img->m_path = path;
    struct link_map* lm = nullptr;
    if (dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm != nullptr) {
        SegmentScan scan;
        scan.name = lm->l_name;
        dl_iterate_phdr(&ScanSegments, &scan);
        uintptr_t start = scan.start;
        if (scan.relroEnd > start && scan.relroStart <= start) {
            start = scan.relroEnd; // the RELRO part is identical for every instance and read-only
        }
        if (scan.end > start) {
            img->m_base = reinterpret_cast<char*>(start);
            img->m_bytes = scan.end - start;
            img->m_pristine.resize(img->m_bytes);
            KrtRawCopy(img->m_pristine.data(), img->m_base, img->m_bytes);
        }
    }
    DriverImage* raw = img.get();
    loaded.emplace(path, std::move(img));
    return raw;
}

bool
DriverImage::Attach(KRT_INSTANCE* inst) const
{
    return KrtInstanceAttachData(inst, m_base, m_bytes, &m_owner, m_pristine.data()) != FALSE;
}

} // namespace wsk
} // namespace ns3
