#include "app/bootstrap.hpp"

#include <cstdlib>

#include "core/crypto.hpp"
#include "core/json.hpp"
#include "rbac/roles.hpp"

namespace baton::app {

extern const char* kManagedCredentialTypesJson;

SeedResult Seed(store::Database& database, const Clock& clock) {
  SeedResult out;
  store::Connection& db = database.Local();
  store::Tx tx(db);
  std::string now = FormatIso(clock.Now());
  int64_t sysadmin = rbac::SingletonRole(db, "system_administrator");
  rbac::SingletonRole(db, "system_auditor");

  if (auto v = db.QueryString("SELECT value FROM settings WHERE key = 'INSTALL_UUID'")) {
    out.install_uuid = *v;
  } else {
    out.install_uuid = RandomUuid4();
    db.Exec("INSERT INTO settings (key, value) VALUES ('INSTALL_UUID', ?)", {out.install_uuid});
  }

  if (!db.QueryInt("SELECT 1 FROM users LIMIT 1")) {
    const char* u = std::getenv("BATON_ADMIN_USER");
    const char* p = std::getenv("BATON_ADMIN_PASSWORD");
    out.admin_user = (u && *u) ? u : "admin";
    std::string password = (p && *p) ? p : RandomAlnum(20);
    if (!(p && *p)) out.admin_password = password;
    out.created_admin = true;
    int64_t id = db.Insert(
        "INSERT INTO users (username, is_superuser, password, created, modified) VALUES (?, 1, ?, "
        "?, ?) RETURNING id",
        {out.admin_user, HashPassword(password, DefaultPasswordIterations()), now, now});
    rbac::AddMember(db, sysadmin, id);
  }

  if (!db.QueryInt("SELECT 1 FROM organizations WHERE name = 'Default'") &&
      !db.QueryString("SELECT value FROM settings WHERE key = 'SEEDED_DEFAULT_ORG'")) {
    int64_t id = db.Insert(
        "INSERT INTO organizations (name, description, created, modified) VALUES ('Default', '', "
        "?, ?) RETURNING id",
        {now, now});
    rbac::CreateObjectRoles(db, "organization", id, {});
    db.Exec("INSERT INTO settings (key, value) VALUES ('SEEDED_DEFAULT_ORG', '1')");
  }

  // AWX's built-in instance groups (api-resources.md §33), once.
  if (!db.QueryString("SELECT value FROM settings WHERE key = 'SEEDED_INSTANCE_GROUPS'")) {
    for (const char* name : {"controlplane", "default"}) {
      if (db.QueryInt("SELECT id FROM instance_groups WHERE name = ?", {std::string(name)}))
        continue;
      int64_t id = db.Insert(
          "INSERT INTO instance_groups (name, created, modified, managed) VALUES (?, ?, ?, 1) "
          "RETURNING id",
          {std::string(name), now, now});
      rbac::CreateObjectRoles(db, "instance_group", id, {});
    }
    db.Exec("INSERT INTO settings (key, value) VALUES ('SEEDED_INSTANCE_GROUPS', '1')");
  }

  auto types = ParseJson(kManagedCredentialTypesJson);
  if (types && types->is_array()) {
    for (const auto& t : types->as_array()) {
      const auto& o = t.as_object();
      std::string ns = GetString(o, "namespace");
      std::string inputs = Dump(o.at("inputs"));
      std::string injectors = Dump(o.at("injectors"));
      if (db.QueryInt("SELECT 1 FROM credential_types WHERE namespace = ? AND managed = 1", {ns})) {
        db.Exec(
            "UPDATE credential_types SET name = ?, kind = ?, inputs = ?, injectors = ? WHERE "
            "namespace = ? AND managed = 1",
            {GetString(o, "name"), GetString(o, "kind"), inputs, injectors, ns});
      } else {
        db.Exec(
            "INSERT INTO credential_types (name, description, kind, namespace, managed, "
            "inputs, injectors, created, modified) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
            {GetString(o, "name"), GetString(o, "description"), GetString(o, "kind"), ns, inputs,
             injectors, now, now});
      }
    }
  }
  tx.Commit();
  return out;
}

}  // namespace baton::app
