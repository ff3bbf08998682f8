/* simulation-context.cc - see simulation-context.h */
#include "simulation-context.h"

#include "ns3/simulator.h"

namespace ns3 {
namespace wsk {

namespace {
/* The one context of the simulation ns-3 is running (ns-3's simulator is itself one per process). */
struct Holder
{
    std::unique_ptr<SimulationContext> current;
    unsigned generation = 0;
};

Holder&
TheHolder()
{
    static Holder h;
    return h;
}
} // namespace

void
SimulationContext::Ended()
{
    Holder& h = TheHolder();
    if (!h.current) {
        return;
    }
    if (!h.current->m_endDeferred) {
        /* run once more, after every destroy event queued so far (ns-3's own node disposal among them):
         * the nodes' objects may still use the context while they are disposed */
        h.current->m_endDeferred = true;
        Simulator::ScheduleDestroy(&SimulationContext::Ended);
        return;
    }
    h.current->m_ended = true;
}

SimulationContext*
SimulationContext::Live()
{
    Holder& h = TheHolder();
    return h.current && !h.current->m_ended ? h.current.get() : nullptr;
}

SimulationContext&
SimulationContext::Current()
{
    Holder& h = TheHolder();
    if (!h.current || h.current->m_ended) {
        h.current.reset(); /* the previous simulation's state goes first */
        h.current = std::make_unique<SimulationContext>();
        h.current->m_generation = ++h.generation;
        Simulator::ScheduleDestroy(&SimulationContext::Ended);
    }
    return *h.current;
}

unsigned
SimulationContext::Generation()
{
    return TheHolder().generation;
}

} // namespace wsk
} // namespace ns3
