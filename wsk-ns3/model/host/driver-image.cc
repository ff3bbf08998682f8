/* driver-image.cc - private per-node copies of a driver .so: read once, written to a private temporary
 * directory under a unique name, dlopen'ed RTLD_LOCAL, then unlinked (the mapping keeps it alive). */
#include "driver-image.h"

#include <cerrno>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <map>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ns3 {
namespace wsk {

namespace {

const std::string&
PrivateDirectory()
{
    static std::string dir;
    if (dir.empty()) {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp")) +
                           "/wsk-ns3-drivers-XXXXXX";
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        if (mkdtemp(buf.data()) != nullptr) {
            dir = buf.data();
        } else {
            dir = "/tmp";
        }
    }
    return dir;
}

/* File contents cached per path: thousands of nodes load the same driver. */
bool
ReadFileCached(const std::string& path, const std::vector<char>*& out, std::string& error)
{
    static std::map<std::string, std::unique_ptr<std::vector<char>>> cache;
    auto it = cache.find(path);
    if (it != cache.end()) {
        out = it->second.get();
        return true;
    }
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = "cannot open driver file '" + path + "': " + std::strerror(errno);
        return false;
    }
    auto data = std::make_unique<std::vector<char>>();
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        data->insert(data->end(), buf, buf + n);
    }
    close(fd);
    if (n < 0 || data->size() < 4 || std::memcmp(data->data(), "\x7f" "ELF", 4) != 0) {
        error = "driver file '" + path + "' is not an ELF shared object (build it with wsk_add_driver)";
        return false;
    }
    out = data.get();
    cache.emplace(path, std::move(data));
    return true;
}

} // namespace

DriverImage::~DriverImage()
{
    /* Copies stay mapped until the process ends: simulator events may still point into them. */
}

bool
DriverImage::Load(const std::string& path, std::string& error)
{
    static unsigned long counter = 0;
    const std::vector<char>* bytes = nullptr;
    if (!ReadFileCached(path, bytes, error)) {
        return false;
    }
    std::string base = path.substr(path.find_last_of('/') + 1);
    std::string copy = PrivateDirectory() + "/" + std::to_string(getpid()) + "-" + std::to_string(++counter) + "-" + base;
    int fd = open(copy.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
    if (fd < 0) {
        error = "cannot write a private copy of '" + path + "' to " + PrivateDirectory() + ": " + std::strerror(errno);
        return false;
    }
    size_t off = 0;
    while (off < bytes->size()) {
        ssize_t w = write(fd, bytes->data() + off, bytes->size() - off);
        if (w <= 0) {
            close(fd);
            unlink(copy.c_str());
            error = "cannot write a private copy of '" + path + "': " + std::strerror(errno);
            return false;
        }
        off += (size_t)w;
    }
    close(fd);
    void* h = dlopen(copy.c_str(), RTLD_NOW | RTLD_LOCAL);
    unlink(copy.c_str());
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
        return false;
    }
    void* entry = dlsym(h, "DriverEntry");
    if (entry == nullptr) {
        dlclose(h);
        error = "driver '" + path + "' has no DriverEntry export (is DriverEntry defined, and was the driver built "
                "with wsk_add_driver?)";
        return false;
    }
    m_handle = h;
    m_entry = entry;
    m_path = path;
    struct link_map* lm = nullptr;
    if (dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm != nullptr) {
        struct Ctx
        {
            const char* name;
            size_t bytes;
        } ctx{lm->l_name, 0};
        dl_iterate_phdr(
            [](struct dl_phdr_info* info, size_t, void* p) -> int {
                auto* c = static_cast<Ctx*>(p);
                if (info->dlpi_name == nullptr || std::strcmp(info->dlpi_name, c->name) != 0) {
                    return 0;
                }
                for (int i = 0; i < info->dlpi_phnum; i++) {
                    if (info->dlpi_phdr[i].p_type == PT_LOAD && (info->dlpi_phdr[i].p_flags & PF_W)) {
                        c->bytes += info->dlpi_phdr[i].p_memsz;
                    }
                }
                return 1;
            },
            &ctx);
        m_writable = ctx.bytes;
    }
    return true;
}

} // namespace wsk
} // namespace ns3
