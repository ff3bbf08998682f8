/*
 * wsk-driver-app.h - the per-node driver host: an ns-3 Application that loads a private copy of a WSK
 * client driver on its node, runs DriverEntry at its start time and DriverUnload at its stop time, each on
 * a simulated system thread that may block on simulated time.
 */
#ifndef WSKNS3_WSK_DRIVER_APP_H
#define WSKNS3_WSK_DRIVER_APP_H

#include "driver-image.h"
#include "instance-host.h"

#include "ns3/application.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

struct KRT_INSTANCE;

namespace ns3 {

class WskDriverApp : public Application, public wsk::InstanceHost
{
  public:
    enum State {
        NOT_STARTED,    //!< before the start time
        LOADING,        //!< DriverEntry is running (possibly blocked)
        RUNNING,        //!< DriverEntry returned success
        LOAD_FAILED,    //!< the file could not be loaded, or DriverEntry failed
        UNLOADING,      //!< DriverUnload is running
        UNLOADED,       //!< DriverUnload returned
        NOT_UNLOADABLE, //!< stop time reached but the driver set no DriverUnload
    };

    static TypeId GetTypeId();
    WskDriverApp();
    ~WskDriverApp() override;

    State GetState() const { return m_state; }
    static const char* StateName(State s);
    int32_t GetDriverEntryStatus() const { return m_entryStatus; }
    Time GetDriverEntryReturnTime() const { return m_entryReturned; }
    const std::string& GetLoadError() const { return m_loadError; }
    uint32_t GetErrorCount() const;   //!< driver errors: load failure, misuse, leaks
    uint32_t GetWarningCount() const;
    /* Findings: misuse that Windows answers with an error status (the driver saw the status). Not driver
     * errors; counted per kind, "WskConnect STATUS_INVALID_DEVICE_STATE". */
    uint32_t GetFindingCount() const;
    const std::map<std::string, uint32_t>& GetFindings() const { return m_findings; }
    const std::vector<std::string>& GetLog() const { return m_log; }
    KRT_INSTANCE* GetKernelInstance() const { return m_inst; }
    const std::string& GetDriverPath() const { return m_path; }
    std::string GetDriverName() const;
    size_t GetDriverGlobalsBytes() const { return m_image ? m_image->WritableBytes() : 0; }

    /* Every driver application alive in this process (for summaries and exit codes). */
    static const std::vector<WskDriverApp*>& All();

    // InstanceHost
    void OnLog(int severity, const std::string& line) override;
    void OnFinding(const char* call, int32_t status, const std::string& line) override;
    size_t ThreadStackBytes() const override { return m_stackBytes; }
    std::string Describe() const override;

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;
    static void EntryThread(void* self);
    static void UnloadThread(void* self);
    void Fail(const std::string& why);
    void ReportLeaks(); //!< the kernel's and the WSK provider's leak reports for this instance
    void DestroyInstance(); //!< frees the kernel instance, keeping its error and warning counts

    std::string m_path;
    std::string m_name;
    std::string m_parameters; //!< "Name=Value;..." for <RegistryPath>\Parameters
    uint32_t m_stackBytes;
    uint32_t m_maxLogLines;
    State m_state;
    int32_t m_entryStatus;
    Time m_entryReturned;
    std::string m_loadError;
    uint32_t m_hostErrors;
    wsk::DriverImage* m_image;
    KRT_INSTANCE* m_inst;
    uint32_t m_errorsAtEnd = 0;
    uint32_t m_warningsAtEnd = 0;
    std::vector<std::string> m_log;
    std::map<std::string, uint32_t> m_findings;
    TracedCallback<const std::string&> m_logTrace;
};

} // namespace ns3

#endif /* WSKNS3_WSK_DRIVER_APP_H */
