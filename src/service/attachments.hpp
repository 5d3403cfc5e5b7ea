// Credentials and labels attached to templates, jobs, workflow nodes and schedules, over the
// generic tables credential_attachments / label_attachments (owner_type = the owner's type:
// 'job_template', 'job', 'workflow_job_template', 'workflow_job_template_node', 'schedule').
// Provides the credentials/ and labels/ sub-lists with AWX's rules (api-resources.md §16, §19,
// contract §11), the read-only variants for jobs, summaries, and copy/delete helpers.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "domain/prompts.hpp"
#include "rbac/roles.hpp"
#include "service/access.hpp"
#include "service/crud.hpp"
#include "service/model.hpp"
#include "service/models.hpp"

namespace baton::service {

// May the caller change the owner's attachments (e.g. admin of the job template)?
using OwnerCheck = std::function<Status(Session&, int64_t owner_id)>;

// credentials/ (L+C+A) of an owner. Attaching needs `can_edit` on the owner and use_role on the
// credential; detaching needs `can_edit`. With `job_rules` (templates) a credential whose unique
// key is already attached is refused with {"error": "Cannot assign multiple <Type> credentials."}
// and only kinds ssh, vault, cloud, net, kubernetes are accepted
// ({"error": "Cannot assign a Credential of kind `<kind>`."}).
SubListDef CredentialsSubList(std::string owner_type, OwnerCheck can_edit, bool job_rules = true);
// labels/ (L+C+A): a POST {"name", "organization"} of an existing label attaches it; more than
// 100 labels already attached -> 400 {"msg": "Maximum number of labels for <verbose> reached."};
// attaching needs `can_edit` and read access to the label; detaching the label's last use
// deletes it.
SubListDef LabelsSubList(std::string owner_type, std::string verbose, OwnerCheck can_edit);
// credentials/ of a saved launch configuration (workflow nodes, schedules: DM-8, RB-14): as
// CredentialsSubList, and each credential must be accepted by the owner's template
// (`template_of`; nullopt = no template: "Cannot assign credential when related template is
// null."): a job template that asks for credentials, not already using it, no credential that
// prompts for passwords, one per unique key.
SubListDef LaunchConfigCredentialsSubList(
    std::string owner_type, OwnerCheck can_edit,
    std::function<std::optional<int64_t>(Session&, int64_t owner)> template_of);
// instance_groups/ (L+A, instance_groups.cpp): attaching needs `can_edit` and use_role on the
// group; groups keep the order they were attached in (position).
SubListDef InstanceGroupsSubList(std::string owner_type, OwnerCheck can_edit);
// Read-only credentials/ and labels/ (jobs).
SubListDef CredentialsListOnly(std::string owner_type);
SubListDef LabelsListOnly(std::string owner_type);

// Attached ids, credentials in position order, labels by name.
std::vector<int64_t> AttachedCredentials(Session& ctx, std::string_view owner_type,
                                         int64_t owner_id);
std::vector<int64_t> AttachedLabels(Session& ctx, std::string_view owner_type, int64_t owner_id);
// Appends (credentials take the next position); attaching twice is a no-op.
void AttachCredential(Session& ctx, std::string_view owner_type, int64_t owner_id, int64_t cred);
void AttachLabel(Session& ctx, std::string_view owner_type, int64_t owner_id, int64_t label);
// Detaches a label and deletes it when nothing uses it any more.
void DetachLabel(Session& ctx, std::string_view owner_type, int64_t owner_id, int64_t label);
// Copies an owner's credentials and labels to another owner.
void CopyAttachments(Session& ctx, std::string_view owner_type, int64_t from,
                     std::string_view to_type, int64_t to);
// Removes every attachment of a deleted owner (labels left unused go too).
void DeleteAttachments(Session& ctx, std::string_view owner_type, int64_t owner_id);

// The credential as the launch rules see it; `passwords_needed` needs the stored inputs
// ("ASK" values; ssh_key_unlock only with an encrypted key). nullopt when it does not exist.
std::optional<domain::LaunchCredential> LoadLaunchCredential(Session& ctx, int64_t id);
std::vector<domain::LaunchCredential> LoadLaunchCredentials(Session& ctx,
                                                            const std::vector<int64_t>& ids);

// summary_fields.credentials: [{id, name, description, kind, cloud}] in position order.
json::array CredentialsSummary(Session& ctx, std::string_view owner_type, int64_t owner_id);
// summary_fields.labels: {"count": n, "results": [{id, name}] (first 10 by name)}.
json::object LabelsSummary(Session& ctx, std::string_view owner_type, int64_t owner_id);
// The same two summaries for many owners at once (one query each, lists): every owner is a key.
std::map<int64_t, json::array> CredentialsSummaries(Session& ctx, std::string_view owner_type,
                                                    const std::vector<int64_t>& owners);
std::map<int64_t, json::object> LabelsSummaries(Session& ctx, std::string_view owner_type,
                                                const std::vector<int64_t>& owners);

}  // namespace baton::service
