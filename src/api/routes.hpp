// The route table of /api/ in one place: every resource declaration and every hand-made route,
// registered in the order below by BuildRoutes (routes.cpp). One function per declaration,
// defined in the file under api/resources/ that holds the resource.
#pragma once
#include "api/router.hpp"

namespace baton::api {

// Registers every resource (once per process) and builds `router` from them.
void BuildRoutes(Router& router);

// Access: organizations, users, teams, roles, tokens.
void RegisterOrganizations();
void RegisterUsers();
void RegisterTeams();
void RegisterRoles();
void RegisterTokens();
// Inventory: inventories, hosts, groups, inventory sources and their updates.
void RegisterInventories();
void RegisterHosts();
void RegisterGroups();
void RegisterInventorySources();
void RegisterInventoryUpdates();
// Credentials: credentials, their input sources, credential types.
void RegisterCredentials();
void RegisterCredentialInputSources();
void RegisterCredentialTypes();
// Projects and labels.
void RegisterProjects();
void RegisterLabels();
// Jobs: job templates, jobs, job events, host summaries.
void RegisterJobTemplates();
void RegisterJobs();
void RegisterJobEvents();
void RegisterJobHostSummaries();
// Workflows: workflow jobs and their nodes and approvals, workflow job templates and their nodes
// and approval templates.
void RegisterWorkflowJobs();
void RegisterWorkflowJobNodes();
void RegisterWorkflowApprovals();
void RegisterWorkflowJobTemplates();
void RegisterWorkflowNodes();
void RegisterWorkflowApprovalTemplates();
// Unified lists: unified_jobs/, unified_job_templates/.
void RegisterUnifiedLists();
// Schedules.
void RegisterSchedules();
// Notifications: templates, notifications, template attachments.
void RegisterNotificationTemplates();
void RegisterNotifications();
void RegisterNotificationAttachments();
// Webhook receivers, instance groups, the activity stream.
void RegisterWebhooks();
void RegisterInstanceGroups();
void RegisterActivityStream();

// Routes that are not a resource declaration.
void AddScheduleRoutes(Router& router);  // schedules/preview/, schedules/zoneinfo/
void AddRootRoutes(Router& router);      // /api/, /api/v2/, login, logout, ping, config, me ...
void AddTokenRoutes(Router& router);     // users/N/personal_tokens/ ...

}  // namespace baton::api
