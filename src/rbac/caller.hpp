// Who is asking: the authenticated user of a request (or nobody).
#pragma once
#include <cstdint>
#include <string>

namespace baton::rbac {

struct Caller {
  int64_t id = 0;  // 0 = anonymous
  std::string username;
  bool superuser = false;
  bool auditor = false;          // system auditor: reads everything
  bool read_only_token = false;  // authenticated with a read-scoped token
  bool authenticated() const { return id != 0; }
  bool sees_all() const { return superuser || auditor; }
};

}  // namespace baton::rbac
