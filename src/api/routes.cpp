// The one list of what /api/ serves (routes.hpp). The order is the registration order: a
// resource that extends another's sub-lists registers after it.
#include "api/routes.hpp"

#include "api/generic.hpp"
#include "api/registry.hpp"

namespace baton::api {

void BuildRoutes(Router& router) {
  auto& reg = Registry::Get();
  if (reg.All().empty()) {
    for (auto* add :
         {// access
          RegisterOrganizations, RegisterUsers, RegisterTeams, RegisterRoles, RegisterTokens,
          // inventory
          RegisterInventories, RegisterHosts, RegisterGroups,
          // credentials
          RegisterCredentials, RegisterCredentialInputSources, RegisterCredentialTypes,
          // projects, labels, inventory sources
          RegisterProjects, RegisterLabels, RegisterInventorySources, RegisterInventoryUpdates,
          // jobs and workflows
          RegisterJobTemplates, RegisterWorkflowJobs, RegisterWorkflowJobNodes,
          RegisterWorkflowApprovals, RegisterWorkflowJobTemplates, RegisterWorkflowNodes,
          RegisterWorkflowApprovalTemplates, RegisterJobs, RegisterJobEvents,
          RegisterJobHostSummaries, RegisterUnifiedLists,
          // schedules, notifications, webhooks, instance groups, activity stream
          RegisterSchedules, RegisterNotificationTemplates, RegisterNotifications,
          RegisterNotificationAttachments, RegisterWebhooks, RegisterInstanceGroups,
          RegisterActivityStream})
      add();
  }
  for (const auto& def : reg.All()) AddResourceRoutes(router, def);
  AddScheduleRoutes(router);
  AddRootRoutes(router);
  AddTokenRoutes(router);
}

}  // namespace baton::api
