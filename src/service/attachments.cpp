#include "service/attachments.hpp"

#include <map>

#include "core/secrets.hpp"
#include "service/credentials.hpp"
#include "service/workflow_graph.hpp"
#include "store/summary_reads.hpp"

namespace baton::service {
namespace {

std::string Quoted(std::string_view owner_type) {
  return "'" + std::string(owner_type) + "'";
}

std::string CredentialFilter(std::string_view owner_type) {
  return "t.id IN (SELECT credential_id FROM credential_attachments WHERE owner_type = " +
         Quoted(owner_type) + " AND owner_id = ?)";
}

std::string LabelFilter(std::string_view owner_type) {
  return "t.id IN (SELECT label_id FROM label_attachments WHERE owner_type = " +
         Quoted(owner_type) + " AND owner_id = ?)";
}

// The kinds a job template may carry (AWX JobTemplateCredentialsList.is_valid_relation).
bool JobKind(std::string_view kind) {
  return kind == "ssh" || kind == "vault" || kind == "cloud" || kind == "net" ||
         kind == "kubernetes";
}

Status CheckJobCredential(Session& ctx, std::string_view owner_type, int64_t owner, int64_t cred) {
  auto c = LoadLaunchCredential(ctx, cred);
  if (!c) return Error::Detail(ErrorCode::kInvalid, "Credential matching query does not exist.");
  for (const auto& other : LoadLaunchCredentials(ctx, AttachedCredentials(ctx, owner_type, owner)))
    if (other.UniqueKey() == c->UniqueKey())
      return Error::Err("Cannot assign multiple " + c->UniqueDisplay() + " credentials.");
  if (!JobKind(c->kind)) return Error::Err("Cannot assign a Credential of kind `" + c->kind + "`.");
  return OkStatus();
}

void DeleteLabelIfUnused(Session& ctx, int64_t label) {
  if (ctx.db.QueryInt("SELECT 1 FROM label_attachments WHERE label_id = ? LIMIT 1", {label}))
    return;
  ctx.db.Exec("DELETE FROM labels WHERE id = ?", {label});
}

}  // namespace

std::vector<int64_t> AttachedCredentials(Session& ctx, std::string_view owner_type,
                                         int64_t owner_id) {
  auto rows = ctx.db.Query(
      "SELECT credential_id FROM credential_attachments WHERE owner_type = ? AND owner_id = ? "
      "ORDER BY position, credential_id",
      {std::string(owner_type), owner_id});
  std::vector<int64_t> out;
  for (auto& r : rows.rows) out.push_back(store::AsInt(r[0]));
  return out;
}

std::vector<int64_t> AttachedLabels(Session& ctx, std::string_view owner_type, int64_t owner_id) {
  auto rows = ctx.db.Query(
      "SELECT a.label_id FROM label_attachments a JOIN labels l ON l.id = a.label_id WHERE "
      "a.owner_type = ? AND a.owner_id = ? ORDER BY l.name, l.id",
      {std::string(owner_type), owner_id});
  std::vector<int64_t> out;
  for (auto& r : rows.rows) out.push_back(store::AsInt(r[0]));
  return out;
}

void AttachCredential(Session& ctx, std::string_view owner_type, int64_t owner_id, int64_t cred) {
  ctx.db.Exec(
      "INSERT INTO credential_attachments (owner_type, owner_id, credential_id, position) "
      "VALUES (?, ?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM credential_attachments "
      "WHERE owner_type = ? AND owner_id = ?)) ON CONFLICT DO NOTHING",
      {std::string(owner_type), owner_id, cred, std::string(owner_type), owner_id});
}

void AttachLabel(Session& ctx, std::string_view owner_type, int64_t owner_id, int64_t label) {
  ctx.db.Exec(
      "INSERT INTO label_attachments (owner_type, owner_id, label_id) VALUES (?, ?, ?) ON "
      "CONFLICT DO NOTHING",
      {std::string(owner_type), owner_id, label});
}

void DetachLabel(Session& ctx, std::string_view owner_type, int64_t owner_id, int64_t label) {
  ctx.db.Exec(
      "DELETE FROM label_attachments WHERE owner_type = ? AND owner_id = ? AND label_id = ?",
      {std::string(owner_type), owner_id, label});
  DeleteLabelIfUnused(ctx, label);
}

void CopyAttachments(Session& ctx, std::string_view owner_type, int64_t from,
                     std::string_view to_type, int64_t to) {
  for (int64_t c : AttachedCredentials(ctx, owner_type, from))
    AttachCredential(ctx, to_type, to, c);
  for (int64_t l : AttachedLabels(ctx, owner_type, from)) AttachLabel(ctx, to_type, to, l);
}

void DeleteAttachments(Session& ctx, std::string_view owner_type, int64_t owner_id) {
  std::vector<int64_t> labels = AttachedLabels(ctx, owner_type, owner_id);
  ctx.db.Exec("DELETE FROM credential_attachments WHERE owner_type = ? AND owner_id = ?",
              {std::string(owner_type), owner_id});
  ctx.db.Exec("DELETE FROM label_attachments WHERE owner_type = ? AND owner_id = ?",
              {std::string(owner_type), owner_id});
  for (int64_t l : labels) DeleteLabelIfUnused(ctx, l);
}

std::optional<domain::LaunchCredential> LoadLaunchCredential(Session& ctx, int64_t id) {
  auto rows = ctx.db.Query(
      "SELECT id, name, credential_type_id, inputs FROM credentials WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows.rows[0];
  auto type = LoadCredType(ctx, store::AsInt(r[2]));
  domain::LaunchCredential c;
  c.id = store::AsInt(r[0]);
  c.name = store::AsString(r[1]);
  c.type_id = store::AsInt(r[2]);
  if (type) {
    c.type_name = type->name;
    c.kind = type->kind;
  }
  json::object inputs;
  if (auto parsed = ParseJson(store::AsString(r[3])); parsed && parsed->is_object())
    inputs = parsed->as_object();
  auto asks = [&](const char* field) { return GetString(inputs, field) == "ASK"; };
  if (c.kind == "ssh") {
    if (asks("password")) c.passwords_needed.push_back("ssh_password");
    if (asks("become_password")) c.passwords_needed.push_back("become_password");
    // AWX needs_ssh_key_unlock: "ASK" (or blank) with an encrypted private key.
    std::string unlock = GetString(inputs, "ssh_key_unlock");
    if ((unlock == "ASK" || unlock.empty()) && type) {
      auto plain = PlainInputs(ctx, *type, inputs);
      bool encrypted = false;
      if (plain.ok()) {
        std::string key = GetString(plain.value(), "ssh_key_data");
        encrypted = !key.empty() && CheckSshPrivateKey(key, &encrypted).empty() && encrypted;
      }
      if (encrypted) c.passwords_needed.push_back("ssh_key_unlock");
    }
  }
  if (c.kind == "vault") {
    c.vault_id = GetString(inputs, "vault_id");
    if (asks("vault_password"))
      c.passwords_needed.push_back(c.vault_id.empty() ? "vault_password"
                                                      : "vault_password." + c.vault_id);
  }
  return c;
}

std::vector<domain::LaunchCredential> LoadLaunchCredentials(Session& ctx,
                                                            const std::vector<int64_t>& ids) {
  std::vector<domain::LaunchCredential> out;
  for (int64_t id : ids)
    if (auto c = LoadLaunchCredential(ctx, id)) out.push_back(std::move(*c));
  return out;
}

SubListDef CredentialsSubList(std::string owner_type, OwnerCheck can_edit, bool job_rules) {
  SubListDef s;
  s.name = "credentials";
  s.child = "credentials";
  s.title = "Credentials";
  s.can_create = true;
  s.can_attach = true;
  // The owner's whole list, whatever the caller may read of each credential (AWX
  // JobTemplateCredentialsList).
  s.scope = [owner_type](Session&, const json::object& parent,
                         store::Params& p) -> Result<std::string> {
    p.emplace_back(IdOf(parent));
    return CredentialFilter(owner_type);
  };
  s.can_attach_fn = [can_edit](Session& ctx, int64_t parent, int64_t cred, bool detach) -> Status {
    BATON_TRY(can_edit(ctx, parent));
    if (!detach) return RequireRole(ctx, "credential", cred, "use_role");
    return OkStatus();
  };
  s.attach = [owner_type, job_rules](Session& ctx, int64_t parent, int64_t cred) -> Status {
    if (job_rules) BATON_TRY(CheckJobCredential(ctx, owner_type, parent, cred));
    AttachCredential(ctx, owner_type, parent, cred);
    return OkStatus();
  };
  s.detach = [owner_type](Session& ctx, int64_t parent, int64_t cred) -> Status {
    ctx.db.Exec(
        "DELETE FROM credential_attachments WHERE owner_type = ? AND owner_id = ? AND "
        "credential_id = ?",
        {owner_type, parent, cred});
    return OkStatus();
  };
  s.before_create = [can_edit](Session& ctx, int64_t parent,
                               json::object&) -> Result<std::optional<int64_t>> {
    BATON_TRY(can_edit(ctx, parent));
    return std::optional<int64_t>{};
  };
  s.after_create = [owner_type, job_rules](Session& ctx, int64_t parent, int64_t cred) -> Status {
    BATON_TRY(RequireRole(ctx, "credential", cred, "use_role"));
    if (job_rules) BATON_TRY(CheckJobCredential(ctx, owner_type, parent, cred));
    AttachCredential(ctx, owner_type, parent, cred);
    return OkStatus();
  };
  return s;
}

namespace {

Status CheckLaunchConfigCredential(Session& ctx, const std::string& owner_type, int64_t owner,
                                   std::optional<int64_t> ujt, int64_t cred) {
  if (!ujt) return Error::Msg("Cannot assign credential when related template is null.");
  if (TemplateKind(ctx, *ujt) != "job_template")
    return Error::Msg("Related template cannot accept credentials on launch.");
  auto c = LoadLaunchCredential(ctx, cred);
  if (!c) return Error::Detail(ErrorCode::kInvalid, "Credential matching query does not exist.");
  if (!c->passwords_needed.empty())
    return Error::Msg(
        "Credential that requires user input on launch cannot be used in saved launch "
        "configuration.");
  if (!ctx.db.QueryInt("SELECT ask_credential_on_launch FROM job_templates WHERE id = ?", {*ujt})
           .value_or(0))
    return Error::Msg("Related template is not configured to accept credentials on launch.");
  for (const auto& other : LoadLaunchCredentials(ctx, AttachedCredentials(ctx, owner_type, owner)))
    if (other.id != cred && other.UniqueKey() == c->UniqueKey())
      return Error::Msg("This launch configuration already provides a " + c->UniqueDisplay() +
                        " credential.");
  for (int64_t t : AttachedCredentials(ctx, "job_template", *ujt))
    if (t == cred) return Error::Msg("Related template already uses " + c->name + " credential.");
  return OkStatus();
}

}  // namespace

SubListDef LaunchConfigCredentialsSubList(
    std::string owner_type, OwnerCheck can_edit,
    std::function<std::optional<int64_t>(Session&, int64_t owner)> template_of) {
  SubListDef s = CredentialsSubList(owner_type, can_edit, /*job_rules=*/false);
  s.attach = [owner_type, template_of](Session& ctx, int64_t owner, int64_t cred) -> Status {
    BATON_TRY(CheckLaunchConfigCredential(ctx, owner_type, owner, template_of(ctx, owner), cred));
    AttachCredential(ctx, owner_type, owner, cred);
    return OkStatus();
  };
  s.after_create = [owner_type, template_of](Session& ctx, int64_t owner, int64_t cred) -> Status {
    BATON_TRY(RequireRole(ctx, "credential", cred, "use_role"));
    BATON_TRY(CheckLaunchConfigCredential(ctx, owner_type, owner, template_of(ctx, owner), cred));
    AttachCredential(ctx, owner_type, owner, cred);
    return OkStatus();
  };
  return s;
}

SubListDef LabelsSubList(std::string owner_type, std::string verbose, OwnerCheck can_edit) {
  SubListDef s;
  s.name = "labels";
  s.child = "labels";
  s.title = "Labels";
  s.filter = LabelFilter(owner_type);
  s.can_create = true;
  s.can_attach = true;
  auto too_many = [owner_type, verbose](Session& ctx, int64_t parent) -> Status {
    int64_t n = ctx.db
                    .QueryInt(
                        "SELECT COUNT(*) FROM label_attachments WHERE owner_type = ? AND "
                        "owner_id = ?",
                        {owner_type, parent})
                    .value_or(0);
    if (n > 100) return Error::Msg("Maximum number of labels for " + verbose + " reached.");
    return OkStatus();
  };
  s.can_attach_fn = [can_edit, too_many](Session& ctx, int64_t parent, int64_t label,
                                         bool detach) -> Status {
    if (!detach) BATON_TRY(too_many(ctx, parent));
    BATON_TRY(can_edit(ctx, parent));
    if (detach) return OkStatus();
    return CanRead(ctx, Models::Get().Must("labels"), label) ? OkStatus() : Error::Forbidden();
  };
  s.attach = [owner_type](Session& ctx, int64_t parent, int64_t label) -> Status {
    AttachLabel(ctx, owner_type, parent, label);
    return OkStatus();
  };
  s.detach = [owner_type](Session& ctx, int64_t parent, int64_t label) -> Status {
    DetachLabel(ctx, owner_type, parent, label);
    return OkStatus();
  };
  // An existing label named in the body is attached instead of created (AWX
  // LabelSubListCreateAttachDetachView.post).
  s.before_create = [can_edit, too_many](Session& ctx, int64_t parent,
                                         json::object& body) -> Result<std::optional<int64_t>> {
    BATON_TRY(too_many(ctx, parent));
    auto* name = body.if_contains("name");
    auto* org = body.if_contains("organization");
    if (name && org && name->is_string() && (org->is_int64() || org->is_uint64())) {
      if (auto id = ctx.db.QueryInt("SELECT id FROM labels WHERE name = ? AND organization_id = ?",
                                    {std::string(name->get_string()), org->to_number<int64_t>()}))
        return std::optional<int64_t>(*id);
    }
    BATON_TRY(can_edit(ctx, parent));
    return std::optional<int64_t>{};
  };
  s.after_create = s.attach;
  return s;
}

SubListDef CredentialsListOnly(std::string owner_type) {
  SubListDef s = ListOnly("credentials", "credentials", "", "Credentials");
  s.scope = [owner_type](Session&, const json::object& parent,
                         store::Params& p) -> Result<std::string> {
    p.emplace_back(IdOf(parent));
    return CredentialFilter(owner_type);
  };
  return s;
}

SubListDef LabelsListOnly(std::string owner_type) {
  return ListOnly("labels", "labels", LabelFilter(owner_type), "Labels");
}

SubListDef InstanceGroupsSubList(std::string owner_type, OwnerCheck can_edit) {
  SubListDef s;
  s.name = "instance_groups";
  s.child = "instance_groups";
  s.title = "Instance Groups";
  s.can_attach = true;
  // owner_type is one of our constants, never client text.
  s.filter =
      "t.id IN (SELECT instance_group_id FROM instance_group_attachments WHERE "
      "owner_type = '" +
      owner_type + "' AND owner_id = ?)";
  s.can_attach_fn = [can_edit](Session& ctx, int64_t parent, int64_t group, bool detach) -> Status {
    BATON_TRY(can_edit(ctx, parent));
    if (detach) return OkStatus();
    return RequireRole(ctx, "instance_group", group, "use_role");
  };
  s.attach = [owner_type](Session& ctx, int64_t parent, int64_t group) -> Status {
    ctx.db.Exec(
        "INSERT INTO instance_group_attachments (owner_type, owner_id, instance_group_id, "
        "position) VALUES (?, ?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM "
        "instance_group_attachments WHERE owner_type = ? AND owner_id = ?)) ON CONFLICT DO "
        "NOTHING",
        {owner_type, parent, group, owner_type, parent});
    return OkStatus();
  };
  s.detach = [owner_type](Session& ctx, int64_t parent, int64_t group) -> Status {
    ctx.db.Exec(
        "DELETE FROM instance_group_attachments WHERE owner_type = ? AND owner_id = ? AND "
        "instance_group_id = ?",
        {owner_type, parent, group});
    return OkStatus();
  };
  return s;
}

namespace {}  // namespace

std::map<int64_t, json::array> CredentialsSummaries(Session& ctx, std::string_view owner_type,
                                                    const std::vector<int64_t>& owners) {
  std::map<int64_t, json::array> out;
  for (int64_t o : owners) out[o];
  if (owners.empty()) return out;
  store::Params p{std::string(owner_type)};
  p.insert(p.end(), owners.begin(), owners.end());
  auto rows = ctx.db.Query(
      "SELECT a.owner_id, c.id, c.name, c.description, ct.namespace, ct.kind FROM "
      "credential_attachments a JOIN credentials c ON c.id = a.credential_id JOIN "
      "credential_types ct ON ct.id = c.credential_type_id WHERE a.owner_type = ? AND a.owner_id "
      "IN (" +
          store::Marks(owners.size()) + ") ORDER BY a.owner_id, a.position, c.id",
      p);
  for (auto& r : rows.rows)
    out[store::AsInt(r[0])].push_back(json::object{
        {"id", store::AsInt(r[1])},
        {"name", store::AsString(r[2])},
        {"description", store::AsString(r[3])},
        {"kind", store::IsNull(r[4]) ? json::value(nullptr) : json::value(store::AsString(r[4]))},
        {"cloud", store::AsString(r[5]) == "cloud"}});
  return out;
}

json::array CredentialsSummary(Session& ctx, std::string_view owner_type, int64_t owner_id) {
  return std::move(CredentialsSummaries(ctx, owner_type, {owner_id})[owner_id]);
}

std::map<int64_t, json::object> LabelsSummaries(Session& ctx, std::string_view owner_type,
                                                const std::vector<int64_t>& owners) {
  std::map<int64_t, json::object> out;
  for (int64_t o : owners) out[o] = json::object{{"count", 0}, {"results", json::array{}}};
  if (owners.empty()) return out;
  store::Params p{std::string(owner_type)};
  p.insert(p.end(), owners.begin(), owners.end());
  // The first 10 labels of each owner by name, and how many it has.
  auto rows = ctx.db.Query(
      "SELECT owner_id, id, name, n FROM (SELECT a.owner_id, l.id, l.name, COUNT(*) OVER "
      "(PARTITION BY a.owner_id) AS n, ROW_NUMBER() OVER (PARTITION BY a.owner_id ORDER BY "
      "l.name, l.id) AS k FROM label_attachments a JOIN labels l ON l.id = a.label_id WHERE "
      "a.owner_type = ? AND a.owner_id IN (" +
          store::Marks(owners.size()) + ")) x WHERE k <= 10 ORDER BY owner_id, k",
      p);
  for (auto& r : rows.rows) {
    json::object& s = out[store::AsInt(r[0])];
    s["count"] = store::AsInt(r[3]);
    s["results"].as_array().push_back(
        json::object{{"id", store::AsInt(r[1])}, {"name", store::AsString(r[2])}});
  }
  return out;
}

json::object LabelsSummary(Session& ctx, std::string_view owner_type, int64_t owner_id) {
  return std::move(LabelsSummaries(ctx, owner_type, {owner_id})[owner_id]);
}

}  // namespace baton::service
