// Crash points for the crash suite (tests/crash/crash_suite.py, issue 12). With the environment
// variable BATON_CRASHPOINT=name[:N], the N-th pass (default the first) through Crashpoint(name)
// kills the process with SIGKILL, as a power cut or the OOM killer would; unset, a pass costs a
// load of a static. The points:
//   launch.201        a launch's transaction is committed, its 201 not yet sent (api/app.cpp)
//   dispatch.running  a job was claimed and marked running, its runner about to start
//   job.event         a job event was stored (the playbook is running) (runner/event_ingest.cpp)
//   workflow.spawn    a workflow node's job was created, the pass's transaction not committed
//   workflow.handoff  the workflow pass that spawned the next nodes was committed
//   inventory.import  an inventory update wrote a host, its transaction not committed
//   schedule.fire     a schedule launched its job, the claim's transaction not committed
#pragma once

namespace baton {

void Crashpoint(const char* name);

}  // namespace baton
