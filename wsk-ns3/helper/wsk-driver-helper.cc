/* wsk-driver-helper.cc - see wsk-driver-helper.h */
#include "wsk-driver-helper.h"

#include "../model/host/wsk-driver-app.h"
#include "../model/provider/wsk-provider.h"
#include "../model/provider/wsk-provider-object.h"

#include "ns3/string.h"

#include <sstream>

namespace ns3 {

WskDriverHelper::WskDriverHelper(const std::string& driverPath)
{
    m_factory.SetTypeId(WskDriverApp::GetTypeId());
    m_factory.Set("Driver", StringValue(driverPath));
}

void
WskDriverHelper::SetProviderAttribute(const std::string& name, const AttributeValue& value)
{
    m_providerAttributes.emplace_back(name, value.Copy());
}

void
WskDriverHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

ApplicationContainer
WskDriverHelper::Install(Ptr<Node> node) const
{
    Ptr<WskProvider> provider = WskProvider::Install(node);
    for (const auto& a : m_providerAttributes) {
        provider->SetAttribute(a.first, *a.second); /* several helpers on one node share its provider */
    }
    Ptr<WskDriverApp> app = m_factory.Create<WskDriverApp>();
    node->AddApplication(app);
    return ApplicationContainer(app);
}

ApplicationContainer
WskDriverHelper::Install(NodeContainer nodes) const
{
    ApplicationContainer apps;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it) {
        apps.Add(Install(*it));
    }
    return apps;
}

size_t
WskDriverHelper::NotifyAddressListChange(Ptr<Node> node)
{
    Ptr<WskProvider> provider = node->GetObject<WskProvider>();
    return provider ? ns3::wsk::NotifyAddressListChange(provider->State()) : 0;
}

uint32_t
WskDriverHelper::TotalDriverErrors()
{
    uint32_t n = 0;
    for (auto* app : WskDriverApp::All()) {
        n += app->GetErrorCount();
    }
    return n;
}

std::string
WskDriverHelper::ErrorSummary()
{
    std::ostringstream os;
    for (auto* app : WskDriverApp::All()) {
        if (app->GetErrorCount() > 0 || app->GetState() == WskDriverApp::LOAD_FAILED) {
            os << app->Describe() << ": " << WskDriverApp::StateName(app->GetState()) << ", "
               << app->GetErrorCount() << " error(s)";
            if (!app->GetLoadError().empty()) {
                os << ": " << app->GetLoadError();
            }
            os << "\n";
        }
    }
    return os.str();
}

} // namespace ns3
